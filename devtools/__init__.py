"""Development-only tools: `make run`'s launcher, benchmarks, the local test stack, the scaled
topology and the fake Twilio API. They may import `bot`; `bot` never imports them."""
