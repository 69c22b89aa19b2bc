"""Downloading one file with bounded waiting: a mirror that stalls or trickles is given up on.

``requests`` (and pooch, which ``nbteach.mnist`` uses to cache and check the files) has a
timeout per read only: a server that sends one byte every few seconds keeps a download
going forever. ``BoundedDownloader``, which pooch calls to fetch each file, gives it two
bounds instead:

* a minimum average rate: after the first ``GRACE`` seconds the file must have arrived at
  ``MIN_RATE`` bytes per second or more, counted from the start. Each read returns as
  soon as some bytes arrive (``read1``), so a trickle is noticed after ``GRACE`` seconds
  whatever the platform;
* an overall deadline, ``DEADLINE`` seconds, for everything from connecting to the last
  byte (a server that trickles its headers, or stalls between reads), enforced with
  ``nbteach.timelimit`` (so on Windows the abandoned connection may linger in the
  background until its next read).

Either raises ``DownloadTooSlow`` (a ``ConnectionError``) saying which bound was broken;
``nbteach.mnist`` adds the file and the mirror.
With ``MIN_RATE`` = 20 kB/s the largest MNIST file (9.9 MB) may take up to about eight
minutes. Both bounds are module constants: loosen them for a slow connection (a lower
``MIN_RATE``, a longer ``DEADLINE``), or download
the files by other means and use ``load_mnist(path=...)``.
"""
from __future__ import annotations

import time

from .timelimit import TimeLimitExceeded, call_with_time_limit

__all__ = ["DownloadTooSlow", "BoundedDownloader", "MIN_RATE", "GRACE", "DEADLINE",
           "READ_TIMEOUT"]

MIN_RATE = 20_000          # bytes per second, averaged from the start of the download
GRACE = 30.0               # seconds before the rate counts (connecting, a slow start)
DEADLINE = 600.0           # seconds for one whole file, whatever happens
READ_TIMEOUT = 30.0        # seconds to connect, and to wait for each read
CHUNK = 64 * 1024          # bytes asked for per read (fewer come back if fewer arrived)


class DownloadTooSlow(ConnectionError):
    """A download that stalled, trickled or ran past its deadline."""


class BoundedDownloader:
    """A pooch downloader (``downloader(url, output_file, pooch)``) with both bounds.

    ``progress``: show a progress bar (tqdm) while the file arrives.
    """

    def __init__(self, progress=False):
        self.progress = progress

    def __call__(self, url, output_file, pooch=None, check_only=False):
        if check_only:
            raise NotImplementedError("BoundedDownloader only downloads")
        try:
            call_with_time_limit(DEADLINE, self._fetch, url, output_file)
        except TimeLimitExceeded:
            raise DownloadTooSlow(f"did not arrive within {DEADLINE:g} s") from None

    def _fetch(self, url, output_file):
        import requests
        import urllib3

        start = time.monotonic()
        with requests.get(url, stream=True, timeout=(READ_TIMEOUT, READ_TIMEOUT)) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length", 0) or 0)
            raw = response.raw
            read = getattr(raw, "read1", None) or raw.read       # read1: what has arrived
            bar = self._bar(total)
            received = 0
            try:
                with open(output_file, "wb") as out:
                    while True:
                        try:
                            chunk = read(CHUNK, decode_content=True)
                        except urllib3.exceptions.HTTPError as exc:   # a read timed out, ...
                            raise ConnectionError(type(exc).__name__) from None
                        if not chunk:
                            break
                        out.write(chunk)
                        received += len(chunk)
                        if bar is not None:
                            bar.update(len(chunk))
                        elapsed = time.monotonic() - start
                        if elapsed > GRACE and received < MIN_RATE * elapsed:
                            raise DownloadTooSlow(
                                f"arrived too slowly: {received:,} bytes in "
                                f"{elapsed:.0f} s, less than the minimum of "
                                f"{MIN_RATE / 1000:g} kB/s")
            finally:
                if bar is not None:
                    bar.close()
        if total and received < total:
            raise ConnectionError(f"ended early: {received:,} of {total:,} bytes")

    def _bar(self, total):
        if not self.progress:
            return None
        from tqdm.auto import tqdm
        return tqdm(total=total or None, unit="B", unit_scale=True, leave=True, ncols=79)
