// The engine's Meter and ActivitySource are process-wide, and so are the secret redactor and the environment the
// emulated services set: a test that ran beside another would count the other's rows.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
