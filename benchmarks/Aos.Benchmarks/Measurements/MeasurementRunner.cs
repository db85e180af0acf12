using System.Globalization;
using Aos.Benchmarks.Infrastructure;
using Aos.Storage.Sqlite;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Runs the one-shot measurements that BenchmarkDotNet does not fit (percentiles of single cold wakes, memory per activation,
/// process start-up) and prints their figures as Markdown.
/// </summary>
internal static class MeasurementRunner
{
    private const string Usage =
        "usage: --measure <throughput|coldwake|registration|startup|all|bus|bus-nats|prune-nats|workflows|workflows-waiting|storage|cluster>... [--synchronous Off|Normal|Full|Extra] [--max-batch N] [--checkpoint-ms N] [--writer-cache-mb N] [--agents N] [--senders N] [--bus-deliveries N] [--window N] [--allocations trace.nettrace] [--load 0.5] [--seconds 5] [--rate N] [--rates-only] [--loop-warmup N] [--timeline file.csv] [--history-limit N] [--disk-probe SECONDS] [--nats-url nats://127.0.0.1:4222] [--nats-monitor http://127.0.0.1:8222] [--nats-pid PID] [--runs N] [--concurrency N] [--limits 100,0] [--no-latency] [--latency-clients N] [--waiting N] [--margin-seconds N] [--operations N] [--postgres CONNECTION] [--azure CONNECTION] [--redis CONNECTION] [--nats URL] [--max-pool N] [--clients N] [--warmup-seconds N] [--failovers N] [--failover-agents N] [--nodes 1,2,3] [--node-env KEY=VALUE]";

    public static async Task<int> RunAsync(string[] args)
    {
        var names = new List<string>();
        SqliteSynchronousMode? synchronous = null;
        int? maxBatch = null;
        int? checkpointMs = null;
        int? writerCacheMib = null;
        int? agents = null;
        int? busDeliveries = null;
        var window = 1;
        int? busMessages = null;
        var ratesOnly = false;
        double? openLoopRate = null;
        var loopWarmUp = 0;
        var diskProbe = 5;
        int? historyLimit = null;
        string? timeline = null;
        var senders = 100;
        string? allocations = null;
        var load = 0.5;
        var seconds = 5;
        var natsUrl = "nats://127.0.0.1:4222";
        string? natsMonitor = null;
        int? natsPid = null;
        var workflows = new WorkflowBenchOptions();
        int? concurrency = null;
        var waiting = 100_000;
        var margin = 90;
        var operations = 2_000;
        string? postgres = null;
        string? azure = null;
        string? redis = null;
        var maxPool = 6;
        var clients = 48;
        int? warmupSeconds = null;
        var failovers = 10;
        var failoverAgents = 12;
        int[] nodes = [1, 2, 3];
        var secondsSet = false;
        var nodeEnvironment = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--synchronous" when i + 1 < args.Length:
                    synchronous = Enum.Parse<SqliteSynchronousMode>(args[++i], ignoreCase: true);
                    break;
                case "--max-batch" when i + 1 < args.Length:
                    maxBatch = int.Parse(args[++i]);
                    break;
                case "--checkpoint-ms" when i + 1 < args.Length:
                    checkpointMs = int.Parse(args[++i]);
                    break;
                case "--writer-cache-mb" when i + 1 < args.Length:
                    writerCacheMib = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--allocations" when i + 1 < args.Length:
                    allocations = Path.GetFullPath(args[++i]);
                    break;
                case "--senders" when i + 1 < args.Length:
                    senders = int.Parse(args[++i]);
                    break;
                case "--load" when i + 1 < args.Length:
                    load = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = int.Parse(args[++i]);
                    secondsSet = true;
                    break;
                case "--nats-url" when i + 1 < args.Length:
                    natsUrl = args[++i];
                    break;
                case "--nats-pid" when i + 1 < args.Length:
                    natsPid = int.Parse(args[++i]);
                    break;
                case "--nats-monitor" when i + 1 < args.Length:
                    natsMonitor = args[++i];
                    break;
                case "--window" when i + 1 < args.Length:
                    window = int.Parse(args[++i]);
                    break;
                case "--rate" when i + 1 < args.Length:
                    openLoopRate = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--history-limit" when i + 1 < args.Length:
                    historyLimit = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--loop-warmup" when i + 1 < args.Length:
                    loopWarmUp = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--disk-probe" when i + 1 < args.Length:
                    diskProbe = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--timeline" when i + 1 < args.Length:
                    timeline = args[++i];
                    break;
                case "--rates-only":
                    ratesOnly = true;
                    break;
                case "--messages" when i + 1 < args.Length:
                    busMessages = int.Parse(args[++i]);
                    break;
                case "--bus-deliveries" when i + 1 < args.Length:
                    busDeliveries = int.Parse(args[++i]);
                    break;
                case "--agents" when i + 1 < args.Length:
                    agents = int.Parse(args[++i]);
                    break;
                case "--runs" when i + 1 < args.Length:
                    workflows = workflows with { Runs = int.Parse(args[++i]) };
                    break;
                case "--concurrency" when i + 1 < args.Length:
                    concurrency = int.Parse(args[++i]);
                    break;
                case "--limits" when i + 1 < args.Length:
                    workflows = workflows with { Limits = [.. args[++i].Split(',').Select(int.Parse)] };
                    break;
                case "--no-latency":
                    workflows = workflows with { Latency = false };
                    break;
                case "--latency-clients" when i + 1 < args.Length:
                    workflows = workflows with { LatencyConcurrency = int.Parse(args[++i]) };
                    break;
                case "--waiting" when i + 1 < args.Length:
                    waiting = int.Parse(args[++i]);
                    break;
                case "--operations" when i + 1 < args.Length:
                    operations = int.Parse(args[++i]);
                    break;
                case "--postgres" when i + 1 < args.Length:
                    postgres = args[++i];
                    break;
                case "--azure" when i + 1 < args.Length:
                    azure = args[++i];
                    break;
                case "--redis" when i + 1 < args.Length:
                    redis = args[++i];
                    break;
                case "--nats" when i + 1 < args.Length:
                    natsUrl = args[++i];
                    break;
                case "--max-pool" when i + 1 < args.Length:
                    maxPool = int.Parse(args[++i]);
                    break;
                case "--clients" when i + 1 < args.Length:
                    clients = int.Parse(args[++i]);
                    break;
                case "--warmup-seconds" when i + 1 < args.Length:
                    warmupSeconds = int.Parse(args[++i]);
                    break;
                case "--failovers" when i + 1 < args.Length:
                    failovers = int.Parse(args[++i]);
                    break;
                case "--failover-agents" when i + 1 < args.Length:
                    failoverAgents = int.Parse(args[++i]);
                    break;
                case "--node-env" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
                    var setting = args[++i].Split('=', 2);
                    nodeEnvironment[setting[0]] = setting[1];
                    break;
                case "--nodes" when i + 1 < args.Length:
                    nodes = [.. args[++i].Split(',').Select(int.Parse)];
                    break;
                case "--margin-seconds" when i + 1 < args.Length:
                    margin = int.Parse(args[++i]);
                    break;
                case var name when !name.StartsWith("--", StringComparison.Ordinal):
                    names.Add(name);
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (names.Count == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var tuning = synchronous is null && maxBatch is null && checkpointMs is null && writerCacheMib is null
            ? null
            : new SqliteTuning(synchronous, maxBatch, checkpointMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, writerCacheMib is { } mib ? mib * 1024L * 1024 : null);
        Console.WriteLine(Machine.Describe());
        foreach (var name in names.Contains("all") ? ["throughput", "coldwake", "registration", "startup"] : names)
        {
            switch (name)
            {
                case "throughput":
                    await ThroughputMeasurement.RunAsync(senders, tuning, allocations);
                    break;
                case "coldwake":
                    await ColdWakeMeasurement.RunAsync(agents ?? 2_000, tuning);
                    break;
                case "registration":
                    await RegistrationMeasurement.RunAsync(agents ?? 1_000_000, tuning);
                    break;
                case "bus":
                    await BusMeasurement.RunAsync(new BusMeasurement.BusOptions(senders, load, seconds, tuning, null, null) { MaxConcurrentDeliveries = busDeliveries, Window = window, AllocationTrace = allocations, MessagesPerRound = busMessages ?? 20_000, RatesOnly = ratesOnly, OpenLoopRate = openLoopRate, LoopWarmUpSeconds = loopWarmUp, Timeline = timeline, HistoryLimit = historyLimit, DiskProbeSeconds = diskProbe });
                    break;
                case "bus-nats":
                    await BusMeasurement.RunAsync(new BusMeasurement.BusOptions(senders, load, seconds, tuning, natsUrl, natsMonitor, natsPid) { MaxConcurrentDeliveries = busDeliveries, Window = window, AllocationTrace = allocations, MessagesPerRound = busMessages ?? 20_000, RatesOnly = ratesOnly, OpenLoopRate = openLoopRate, LoopWarmUpSeconds = loopWarmUp, Timeline = timeline, HistoryLimit = historyLimit, DiskProbeSeconds = diskProbe });
                    break;
                case "prune-nats":
                    await NatsPruneMeasurement.RunAsync(natsUrl, busMessages ?? 50_000, old: 1_000);
                    break;
                case "workflows":
                    await WorkflowMeasurement.RunAsync(concurrency is { } c ? workflows with { Concurrency = c } : workflows);
                    break;
                case "workflows-waiting":
                    await WorkflowWaitingMeasurement.RunAsync(waiting, concurrency ?? 100, TimeSpan.FromSeconds(margin));
                    break;
                case "storage":
                    await StorageMeasurement.RunAsync(new StorageMeasurement.Options(operations, postgres, azure, tuning));
                    break;
                case "startup":
                    await StartupMeasurement.RunAsync();
                    break;
                case "cluster":
                    var servers = new ClusterServers(
                        redis ?? "127.0.0.1:6379",
                        postgres ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres",
                        natsUrl,
                        maxPool) { NodeEnvironment = nodeEnvironment };
                    await ClusterMeasurement.RunAsync(new ClusterMeasurement.Options(
                        servers, agents ?? 60, clients, secondsSet ? seconds : 30, warmupSeconds ?? 10, failovers, failoverAgents, nodes));
                    break;
                default:
                    Console.Error.WriteLine($"unknown measurement '{name}'. {Usage}");
                    return 2;
            }
        }

        return 0;
    }
}
