using AspireRouter.Bench.Load;

// bench/run.sh starts the processes and calls this with their endpoints and pids:
//   suite --upstream-base URL --target name=url@pid ... [--process name=pid ...] [--duration s] [--warmup s]
//         [--settle s] [--rounds n]
//         [--concurrency 1,32,128] [--rate 1000] [--stream-rate 500] [--stream-concurrency 32] [--soak s]
//   mix   --gateway URL [--rate 20] [--duration s] [--seed n] [--baseline-model kimi-k2-5]
//   brownout --gateway URL --redis host:port --simulator global=URL --simulator cn=URL
//         --seed-endpoint global=URL/v1 --seed-endpoint cn=URL/cross-region/v1
//         [--duration 15] [--amplification-duration 60] [--warmup 5] [--clients 24] [--seed 42] [--scenarios 1,3,11]
var arguments = new Arguments(args.Skip(1));
return args.FirstOrDefault() switch
{
    "suite" => await Suite.RunAsync(arguments),
    "mix" => await Mix.RunAsync(arguments),
    "brownout" => await Brownout.RunAsync(arguments),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: AspireRouter.Bench.Load suite|mix|brownout --option value ... (see bench/README.md)");
    return 2;
}
