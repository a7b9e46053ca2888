"""Make sure openquake.engine (hazardlib) is importable in the current venv.

openquake.engine 3.26.2 declares gdal~=3.13 (an sdist that needs a system GDAL) although
hazardlib's GMPEs never use it, so it is installed here with --no-deps after the pinned
requirements.txt. Imported by every script of this folder before any openquake import.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure():
    try:
        import openquake.hazardlib  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                               "-r", os.path.join(HERE, "requirements-nodeps.txt")])


ensure()
