"""Blueprints, one per area: public (resident chat), auth, queue, cases, admin (supervisors)."""
