"""``python -m bot.outbound retry``: deliver failed staff messages once more (run from cron)."""

from __future__ import annotations

import argparse
import logging

from bot.outbound import retry_failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.outbound")
    parser.add_argument("command", choices=["retry"])
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs contain the bot token
    results = retry_failed()
    still = sum(1 for status in results.values() if status in ("failed", "error"))
    print(f"retried {len(results)} message(s), {still} still failed")
    return 1 if still else 0


if __name__ == "__main__":
    raise SystemExit(main())
