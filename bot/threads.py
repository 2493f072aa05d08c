"""Blocking calls (database, files) awaited from async code without running on its event loop.

Rasa and rasa-sdk serve every conversation from one event loop; a synchronous query there
stalls them all, so async code hands such calls to a thread pool through this one helper.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")


async def run_sync(
    func: Callable[..., T], *args: Any, pool: Executor | None = None, **kwargs: Any
) -> T:
    """Run a blocking call in a thread pool (default: the loop's), off the loop."""
    call = functools.partial(func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool, call)
