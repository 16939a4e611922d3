// Crash, fault and rate tests share loopback emulators, process environment variables and the wall clock.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
