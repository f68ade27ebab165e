"""Where the importer tests' statement files are: all under tests/data, licences beside them.

The public samples (see tests/data/*/LICENSES.md) were copied from ../shared/samples; each
keeps its upstream's folder layout below the format's folder.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = REPO_ROOT / "tests" / "data"
#: jseutter/ofxparse's tests/fixtures
OFXPARSE = DATA / "ofx" / "ofxparse"
#: WoLpH/mt940's mt940_tests, a `.yml` of upstream's parse beside each statement
MT940_UPSTREAM = DATA / "mt940" / "mt940"
#: genkgo/camt's test/data, a `.json` of upstream's parse beside each file
GENKGO = DATA / "camt" / "genkgo"
#: deb-sig/double-entry-generator's example/, Chinese bank and payment-app exports
DOUBLE_ENTRY = DATA / "csv" / "double-entry-generator"
