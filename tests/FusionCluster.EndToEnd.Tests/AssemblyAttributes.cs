// deploy/local/cluster's silos listen on fixed ports (11110 + n and 30000 + n), so two of its clusters cannot run at
// once: this project's test classes, each with a cluster of its own, run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
