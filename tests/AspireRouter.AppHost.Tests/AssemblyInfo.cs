// Each collection runs a whole application (a dozen processes); two at once would starve a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
