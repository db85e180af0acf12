using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Messaging;
using Aos.Storage.Serialization;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures the message bus: the highest rate of durable topic publishes handled by their subscribers (and of direct sends), the
/// end-to-end latency under open-loop load at a fraction of that rate, and one publish fanned out to every subscriber. Each figure
/// is taken next to its baseline in the same node and run: <see cref="AgentClient.SendAsync"/> (the direct durable event path) on
/// the embedded transport, and raw JetStream publish with ack from the same process on NATS.
/// </summary>
internal static class BusMeasurement
{
    private const int Agents = 1_000;
    private const int Rounds = 3;
    private const int FanOutRepetitions = 10;
    private const string FanOutTopic = "bench.fanout";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs the measurement on the embedded transport, or on NATS JetStream when <paramref name="natsUrl"/> is set.</summary>
    public static async Task RunAsync(BusOptions options)
    {
        var nats = options.NatsUrl is not null;
        Sample.NatsPid = options.NatsPid;
        var prefix = "BENCH" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Console.WriteLine();
        Console.WriteLine($"## Message bus on {(nats ? $"NATS JetStream ({options.NatsUrl}, stream prefix {prefix})" : "the embedded SQLite transport")} " +
            $"({Agents:N0} agents, {options.Publishers} publishers with {options.Window} call(s) outstanding each, {(options.MaxConcurrentDeliveries is { } d ? $"{d} concurrent deliveries" : "default concurrent deliveries")}, {Rounds} rounds of {options.MessagesPerRound:N0} messages; open loop at {options.LoadFraction:P0} of the measured rate for {options.OpenLoopSeconds} s; {FanOutRepetitions} fan-outs to {Agents:N0})");
        var cpu = CpuMonitor.Start();
        RawJetStream? raw = null;
        await using var host = await BenchHost.StartAsync(
            settings: Settings(options),
            tuning: options.Tuning,
            configure: nats ? aos => aos.Services.AddAosNatsTransport(o => { o.Url = options.NatsUrl!; o.StreamPrefix = prefix; }) : null);
        try
        {
            var bus = host.Services.GetRequiredService<MessageBus>();
            var client = host.Client;
            var database = host.Services.GetRequiredService<SqliteDatabase>();
            Console.WriteLine($"SQLite memory statistics: {(SqliteEngine.Configure() ? "off (SqliteEngine)" : "on: SQLite was in use before the host configured it")}");
            using var probe = new SettlementProbe(host.Services.GetRequiredService<MessageDispatcher>());
            var agents = await RegisterAsync(host.Registry);
            var monitor = options.NatsMonitor is null ? null : new NatsMonitor(options.NatsMonitor);

            Func<int, Task> agentEvent = i => client.SendAsync(agents[i], client.CreateMessage(CounterAgent.Increment, null));
            Func<int, Task> publish = i => bus.PublishAsync(new Envelope { Id = string.Empty, Type = CounterAgent.Increment, Topic = Topic(i) });
            Func<int, Task> send = i => bus.SendAsync(new Envelope { Id = string.Empty, Type = CounterAgent.Increment, Target = agents[i] });

            // Wake every agent and warm up every path before measuring: a whole round of each, so that the JIT has finished
            // re-compiling the hot code (a 1,000-message warm-up left the tiered compiler busy for 20–25 µs per message in the rounds).
            var window = options.Window;
            var messagesPerRound = options.MessagesPerRound;
            await Load.RunAsync(Agents, options.Publishers, messagesPerRound / options.Publishers, agentEvent, window);
            await BusRoundAsync(messagesPerRound, options.Publishers, window, publish, probe, database, monitor);
            await BusRoundAsync(messagesPerRound, options.Publishers, window, send, probe, database, monitor);
            if (options.AllocationTrace is { } trace)
            {
                // One publish round under the profiler, after the warm-up: the profile is of steady-state publishing and handling. With
                // --rate, the open loop at that rate instead, where each message is its own turn.
                await using (AllocationProfile.Start(trace))
                {
                    if (options.OpenLoopRate is { } profiledRate)
                    {
                        await OpenLoopAsync(bus, probe, host.Services.GetRequiredService<MessageDispatcher>(), profiledRate, options.OpenLoopSeconds, database, timelinePath: null);
                    }
                    else
                    {
                        await BusRoundAsync(messagesPerRound, options.Publishers, window, publish, probe, database, monitor);
                    }
                }

                AllocationProfile.Print(trace);
                return;
            }

            raw = nats ? await RawJetStream.CreateAsync(options.NatsUrl!, prefix) : null;
            if (raw is not null)
            {
                await raw.RoundAsync(Agents, options.Publishers, window, database, monitor);
            }

            if (options.OpenLoopRate is { } fixedRate)
            {
                // The open loop alone, at a given rate, after the warm-up: for comparing latency between builds or settings.
                ProbeDisk(options, database);
                var fixedCpu = CpuMonitor.Start();
                await OpenLoopAsync(bus, probe, host.Services.GetRequiredService<MessageDispatcher>(), fixedRate, options, database);
                Console.WriteLine($"// {fixedCpu.Stop()}");
                return;
            }

            var baseline = new List<Round>();
            var rawRounds = new List<Round>();
            var published = new List<Round>();
            var sent = new List<Round>();
            for (var round = 0; round < Rounds; round++)
            {
                if (!options.RatesOnly)
                {
                    baseline.Add(await ClosedRoundAsync(messagesPerRound, options.Publishers, window, agentEvent, database));
                }

                if (raw is not null)
                {
                    rawRounds.Add(await raw.RoundAsync(messagesPerRound, options.Publishers, window, database, monitor));
                }

                published.Add(await BusRoundAsync(messagesPerRound, options.Publishers, window, publish, probe, database, monitor));
                sent.Add(await BusRoundAsync(messagesPerRound, options.Publishers, window, send, probe, database, monitor));
            }

            Console.WriteLine();
            Console.WriteLine("| Load | Handled/s (median of rounds) | min | max | Publish calls returned/s (median) | CPU µs per message | SQLite writer thread CPU µs per message | Messages per SQLite commit | NATS server messages in per message | Allocated KB per message | KB written per message: writer / checkpointer |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            var loop = window == 1 ? "closed loop" : $"{window} calls outstanding each";
            if (!options.RatesOnly)
            {
                Row($"Baseline: AgentClient.SendAsync, turn committed in SQLite ({options.Publishers} senders, {loop})", baseline);
            }

            if (raw is not null)
            {
                Row($"Baseline: raw JetStream publish + ack, file storage ({options.Publishers} publishers, {loop}; 'handled' = acked)", rawRounds);
            }

            Row($"Bus: PublishAsync to a topic with 1 subscriber, durable, de-duplicated ({options.Publishers} publishers, {loop})", published);
            Row($"Bus: SendAsync to an agent, durable, de-duplicated ({options.Publishers} publishers, {loop})", sent);
            var publishRate = Median(published, r => r.Handled);
            Console.WriteLine();
            if (!options.RatesOnly)
            {
                Console.WriteLine($"Ratio bus publish / AgentClient.SendAsync (median handled/s): {publishRate / Median(baseline, r => r.Handled):0.00}; bus send / AgentClient.SendAsync: {Median(sent, r => r.Handled) / Median(baseline, r => r.Handled):0.00}");
            }

            if (raw is not null)
            {
                Console.WriteLine($"Ratio bus publish / raw JetStream publish+ack: {publishRate / Median(rawRounds, r => r.Handled):0.000}");
            }

            Console.WriteLine($"Settlements other than 'delivered' (retries, dead letters): {probe.Other}");
            Console.WriteLine();
            Console.WriteLine("CPU µs per message by thread group (median of rounds; pool threads grouped by name):");
            Console.WriteLine();
            var splits = new List<(string Name, List<Round> Rounds)> { ("AgentClient.SendAsync", baseline), ("bus publish", published), ("bus send", sent) };
            splits.RemoveAll(s => s.Rounds.Count == 0);
            if (raw is not null)
            {
                splits.Insert(1, ("raw JetStream", rawRounds));
            }

            var groups = splits.SelectMany(s => s.Rounds).SelectMany(r => r.Threads).Where(t => t.Value >= 1).Select(t => t.Key).Distinct()
                .OrderByDescending(g => published.Sum(r => r.Threads.GetValueOrDefault(g))).ToList();
            Console.WriteLine("| Thread group | " + string.Join(" | ", splits.Select(s => s.Name)) + " |");
            Console.WriteLine("|---|" + string.Concat(splits.Select(_ => "--:|")));
            foreach (var group in groups)
            {
                Console.WriteLine($"| {group} | " + string.Join(" | ", splits.Select(s => Median(s.Rounds, r => r.Threads.GetValueOrDefault(group)).ToString("0"))) + " |");
            }

            if (Sample.NatsPid is not null)
            {
                Console.WriteLine("| nats-server process | " + string.Join(" | ", splits.Select(s => Median(s.Rounds, r => r.NatsServerMicroseconds).ToString("0"))) + " |");
            }
            Console.WriteLine($"// {cpu.Stop()}");
            if (options.RatesOnly)
            {
                return;
            }

            ProbeDisk(options, database);
            var latencyCpu = CpuMonitor.Start();
            var rate = publishRate * options.LoadFraction;
            await OpenLoopAsync(bus, probe, host.Services.GetRequiredService<MessageDispatcher>(), rate, options, database);
            Console.WriteLine($"// {latencyCpu.Stop()}");

            var fanOutCpu = CpuMonitor.Start();
            await FanOutAsync(bus, client, agents, probe);
            Console.WriteLine($"// {fanOutCpu.Stop()}");
        }
        finally
        {
            await host.StopAsync();
            BenchHost.DeleteDirectory(host.DataDirectory);
            if (raw is not null)
            {
                // The bus's stream and ledger bucket, and the baseline's stream.
                await raw.DeleteAsync([prefix + "_MESSAGES", "KV_" + prefix + "_LEDGER"]);
                await raw.DisposeAsync();
            }
        }
    }

    private static string Topic(int agent) => $"bench.agent.{agent:D4}";

    private static Dictionary<string, string?> Settings(BusOptions options)
    {
        var settings = new Dictionary<string, string?>();
        if (options.MaxConcurrentDeliveries is { } deliveries)
        {
            settings["Aos:Bus:MaxConcurrentDeliveries"] = deliveries.ToString(CultureInfo.InvariantCulture);
        }

        if (options.HistoryLimit is { } limit)
        {
            settings["Aos:Kernel:HistoryLimit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private static async Task<AgentId[]> RegisterAsync(AgentRegistry registry)
    {
        // Every agent subscribes to a topic of its own (one subscriber per publish) and to the fan-out topic.
        var batch = Enumerable.Range(0, Agents)
            .Select(i => new AgentRegistration { Id = Load.AgentName(i), Type = CounterAgent.TypeName, Subscriptions = [Topic(i), FanOutTopic] })
            .ToList();
        await registry.RegisterAsync(batch);
        return [.. batch.Select(r => AgentId.Parse(r.Id))];
    }

    private static async Task<Round> ClosedRoundAsync(int messages, int senders, int window, Func<int, Task> call, SqliteDatabase database)
    {
        var sample = Sample.Take(database, null);
        await Load.RunAsync(Agents, senders, messages / senders, call, window);
        var elapsed = Stopwatch.GetElapsedTime(sample.Started);
        return sample.Finish(messages, elapsed, elapsed, database, null);
    }

    private static async Task<Round> BusRoundAsync(int messages, int publishers, int window, Func<int, Task> call, SettlementProbe probe, SqliteDatabase database, NatsMonitor? monitor)
    {
        var target = probe.Delivered + messages;
        var sample = Sample.Take(database, monitor is null ? null : await monitor.InMessagesAsync());
        await Load.RunAsync(Agents, publishers, messages / publishers, call, window);
        var publishedIn = Stopwatch.GetElapsedTime(sample.Started);
        await probe.WaitForDeliveredAsync(target, Timeout);
        var handledIn = Stopwatch.GetElapsedTime(sample.Started);
        var round = sample.Finish(messages, handledIn, publishedIn, database, monitor is null ? null : await monitor.InMessagesAsync());
        return round;
    }

    private static async Task OpenLoopAsync(MessageBus bus, SettlementProbe probe, MessageDispatcher dispatcher, double rate, BusOptions options, SqliteDatabase database)
    {
        if (options.LoopWarmUpSeconds > 0)
        {
            // Code the rounds did not make hot (a turn per message, small commits) is still being re-compiled by the tiered JIT during
            // the first seconds at a steady rate; this runs them at the same rate first, and reports them apart.
            Console.WriteLine();
            Console.WriteLine($"Warm-up at the loop's rate for {options.LoopWarmUpSeconds} s, not counted below:");
            await OpenLoopAsync(bus, probe, dispatcher, rate, options.LoopWarmUpSeconds, database, timelinePath: null);
        }

        await OpenLoopAsync(bus, probe, dispatcher, rate, options.OpenLoopSeconds, database, options.Timeline);
    }

    /// <summary>Measures the disk alone, in the same run, before the open loop: a latency that waits for a sync has no shorter tail than the sync.</summary>
    private static void ProbeDisk(BusOptions options, SqliteDatabase database)
    {
        if (options.DiskProbeSeconds > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Disk baseline (before the loop): {DiskSyncProbe.Run(Path.GetDirectoryName(database.DatabasePath)!, TimeSpan.FromSeconds(options.DiskProbeSeconds))}");
        }
    }

    private static async Task OpenLoopAsync(MessageBus bus, SettlementProbe probe, MessageDispatcher dispatcher, double rate, int seconds, SqliteDatabase database, string? timelinePath)
    {
        var total = (int)(rate * seconds);
        Console.WriteLine();
        Console.WriteLine($"### End-to-end latency, open loop: {rate:N0} publishes/s for {seconds} s ({total:N0} messages, round-robin over {Agents:N0} topics with one subscriber each)");
        // The harness keeps no object per message alive (no task, no queued latency): a real publisher does not hold 125,000
        // finished calls, and holding them (with their envelopes) changes how often the GC collects and what it promotes.
        var calls = new double[total];
        var outstanding = new Outstanding();
        var target = probe.Delivered + total;
        var sample = Sample.Take(database, null);
        using var collections = CollectionWatch.Start();
        using var flushes = LogFlushRecorder.Start(database);
        var start = Stopwatch.GetTimestamp();
        if (timelinePath is not null)
        {
            probe.KeepTimes();
        }

        using var timeline = timelinePath is null || !OperatingSystem.IsLinux() ? null : OpenLoopTimeline.Start(database, dispatcher, start);
        for (var k = 0; k < total; k++)
        {
            var due = start + (long)(k / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var id = $"lat-{k:D7}-{MessageIds.New(DateTimeOffset.UtcNow)}";
            var callStarted = Stopwatch.GetTimestamp();
            probe.Time(id, callStarted, due);
            outstanding.Track(PublishAsync(new Envelope { Id = id, Type = CounterAgent.Increment, Topic = Topic(k % Agents) }, k, callStarted));
        }

        var generated = Stopwatch.GetElapsedTime(start);
        await outstanding.WhenAllAsync();
        await probe.WaitForDeliveredAsync(target, Timeout);
        var gcSummary = await collections.StopAsync();
        if (timelinePath is not null)
        {
            var times = probe.TakeTimes();
            timeline?.Write(timelinePath, times, flushes.Flushes);
        }

        var round = sample.Finish(total, Stopwatch.GetElapsedTime(start), generated, database, null);
        var latencies = probe.TakeLatencies();
        var fromCall = new Percentiles(latencies.Select(l => l.FromCall));
        var fromSchedule = new Percentiles(latencies.Select(l => l.FromSchedule));
        var publishCall = new Percentiles(calls);
        Console.WriteLine($"Offered {total / generated.TotalSeconds:N0}/s (generator took {generated.TotalSeconds:0.00} s), handled {round.Handled:N0}/s overall; {round.PerCommit:0.0} messages per SQLite commit; CPU {round.CpuMicroseconds:0} µs per message (SQLite writer {round.WriterMicroseconds:0}); {round.WriterBytes / 1024:0.0} KB written to the log and {round.CheckpointerBytes / 1024:0.0} KB to the database per message; {round.AllocatedBytes / 1024:0.0} KB allocated per message");
        Console.WriteLine("CPU µs per message by thread group: " + string.Join(", ", round.Threads.Where(t => t.Value >= 1).OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:0}")));
        Console.WriteLine();
        Console.WriteLine("| Latency (ms) | Samples | p50 | p90 | p99 | p99.9 | max |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        LatencyRow("Publish call start → handled and settled", fromCall);
        LatencyRow("Scheduled publish time → handled and settled", fromSchedule);
        LatencyRow("Publish call (start → durable, returned)", publishCall);
        Console.WriteLine($"// {gcSummary}");
        Console.WriteLine($"// {flushes.Describe(Stopwatch.GetElapsedTime(start))}");

        async Task PublishAsync(Envelope message, int k, long callStarted)
        {
            await bus.PublishAsync(message);
            calls[k] = Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds;
        }
    }

    private static async Task FanOutAsync(MessageBus bus, AgentClient client, AgentId[] agents, SettlementProbe probe)
    {
        Console.WriteLine();
        Console.WriteLine($"### Fan-out: one publish to {Agents:N0} subscribers, until all have processed it ({FanOutRepetitions} repetitions after 1 warm-up)");
        var total = new List<double>();
        var publishCall = new List<double>();
        var direct = new List<double>();
        for (var r = 0; r <= FanOutRepetitions; r++)
        {
            // Baseline: the same 1,000 agents each sent one event with AgentClient.SendAsync, all at once; until every send returned.
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(agents.Select(a => client.SendAsync(a, client.CreateMessage(CounterAgent.Increment, null))));
            var directMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            var id = $"fan-{r}-{MessageIds.New(DateTimeOffset.UtcNow)}";
            var done = probe.ExpectFanOut(id, Agents);
            started = Stopwatch.GetTimestamp();
            var receipt = await bus.PublishAsync(new Envelope { Id = id, Type = CounterAgent.Increment, Topic = FanOutTopic });
            var publishMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await done.WaitAsync(Timeout);
            var totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (receipt.Recipients.Count != Agents)
            {
                throw new InvalidOperationException($"The fan-out reached {receipt.Recipients.Count} subscribers, not {Agents}.");
            }

            if (r > 0)
            {
                total.Add(totalMs);
                publishCall.Add(publishMs);
                direct.Add(directMs);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Fan-out to 1,000 (ms) | Repetitions | median | p95 | min | max |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|");
        FanRow("Baseline: 1,000 AgentClient.SendAsync at once, until all returned", direct);
        FanRow("Bus: PublishAsync call (1,000 deliveries durable)", publishCall);
        FanRow("Bus: publish call start → all 1,000 handled and settled", total);
        Console.WriteLine();
        Console.WriteLine($"Ratio fan-out / baseline (medians): {new Percentiles(total).At(50) / new Percentiles(direct).At(50):0.00}");
    }

    private static void FanRow(string name, List<double> samples)
    {
        var p = new Percentiles(samples);
        Console.WriteLine($"| {name} | {p.Count} | {Percentiles.Ms(p.At(50))} | {Percentiles.Ms(p.At(95))} | {Percentiles.Ms(p.At(0))} | {Percentiles.Ms(p.Max)} |");
    }

    private static void LatencyRow(string name, Percentiles p) =>
        Console.WriteLine($"| {name} | {p.Count:N0} | {Percentiles.Ms(p.At(50))} | {Percentiles.Ms(p.At(90))} | {Percentiles.Ms(p.At(99))} | {Percentiles.Ms(p.At(99.9))} | {Percentiles.Ms(p.Max)} |");

    private static double Median(List<Round> rounds, Func<Round, double> value) => new Percentiles(rounds.Select(value)).At(50);

    private static void Row(string name, List<Round> rounds)
    {
        var rate = new Percentiles(rounds.Select(r => r.Handled));
        var perCommit = rounds.All(r => double.IsNaN(r.PerCommit)) ? "–" : Median(rounds, r => r.PerCommit).ToString("0.0");
        var nats = rounds.All(r => double.IsNaN(r.NatsInPerMessage)) ? "–" : Median(rounds, r => r.NatsInPerMessage).ToString("0.0");
        Console.WriteLine(
            $"| {name} | {rate.At(50):N0} | {rate.At(0):N0} | {rate.Max:N0} | {Median(rounds, r => r.Published):N0} | {Median(rounds, r => r.CpuMicroseconds):0} | " +
            $"{Median(rounds, r => r.WriterMicroseconds):0.0} | {perCommit} | {nats} | {Median(rounds, r => r.AllocatedBytes) / 1024:0.0} | {Median(rounds, r => r.WriterBytes) / 1024:0.0} / {Median(rounds, r => r.CheckpointerBytes) / 1024:0.0} |");
    }

    /// <summary>Options of the bus measurement.</summary>
    internal sealed record BusOptions(int Publishers, double LoadFraction, int OpenLoopSeconds, SqliteTuning? Tuning, string? NatsUrl, string? NatsMonitor, int? NatsPid = null)
    {
        /// <summary>Gets <c>Aos:Bus:MaxConcurrentDeliveries</c> for the run, or <see langword="null"/> for the default.</summary>
        public int? MaxConcurrentDeliveries { get; init; }

        /// <summary>
        /// Gets <c>Aos:Kernel:HistoryLimit</c> for the run, or <see langword="null"/> for the default (1,000). Below the ~300 entries each agent
        /// gets in the warm-up, every agent's history is at its limit during the measurement, as on a node that has run for long, and each
        /// append also trims.
        /// </summary>
        public int? HistoryLimit { get; init; }

        /// <summary>Gets the file to record one publish round's allocation samples into, instead of measuring; or <see langword="null"/>.</summary>
        public string? AllocationTrace { get; init; }

        /// <summary>Gets how many calls each publisher keeps outstanding in the rate rounds: 1 is a closed loop.</summary>
        public int Window { get; init; } = 1;

        /// <summary>
        /// Gets how many messages each rate round sends. With many calls in flight a short round is mostly filling and draining the
        /// pipeline; a longer one measures the sustained rate.
        /// </summary>
        public int MessagesPerRound { get; init; } = 20_000;

        /// <summary>Gets the open loop's rate in publishes per second, to run only it (after the warm-up); or <see langword="null"/> for the load fraction of the measured rate after the rounds.</summary>
        public double? OpenLoopRate { get; init; }

        /// <summary>Gets a value indicating whether to measure the bus's rates only: no baseline, no open loop, no fan-out (for quick comparisons).</summary>
        public bool RatesOnly { get; init; }

        /// <summary>Gets how many seconds the open loop runs at its rate, unmeasured, before the measured seconds (0: none, as the published figures were taken).</summary>
        public int LoopWarmUpSeconds { get; init; }

        /// <summary>Gets the CSV file to write the measured open loop's timeline to (<see cref="OpenLoopTimeline"/>), or <see langword="null"/> for none.</summary>
        public string? Timeline { get; init; }

        /// <summary>Gets how many seconds the disk alone is measured (<see cref="DiskSyncProbe"/>) right before the open loop; 0 for not at all.</summary>
        public int DiskProbeSeconds { get; init; } = 5;
    }

    private readonly record struct Round(double Handled, double Published, double CpuMicroseconds, double WriterMicroseconds, double PerCommit, double NatsInPerMessage)
    {
        public Dictionary<string, double> Threads { get; init; } = [];

        public double NatsServerMicroseconds { get; init; } = double.NaN;

        public double AllocatedBytes { get; init; }

        /// <summary>Gets the bytes the SQLite writer thread wrote per message: the write-ahead log.</summary>
        public double WriterBytes { get; init; }

        /// <summary>Gets the bytes the SQLite checkpointer thread wrote per message: pages copied from the log into the database.</summary>
        public double CheckpointerBytes { get; init; }
    }

    /// <summary>Counters at the start of a round.</summary>
    private readonly record struct Sample(long Started, TimeSpan Cpu, TimeSpan Writer, long Commits, long? NatsIn, Dictionary<string, TimeSpan> Threads, TimeSpan NatsServer, long Allocated, long WriterBytes, long CheckpointerBytes)
    {
        private const string WriterThread = "Aos.Sqlite.Writer";
        private const string CheckpointerThread = "Aos.Sqlite.Checkpointer";

        public static int? NatsPid { get; set; }

        public static Sample Take(SqliteDatabase database, long? natsIn) =>
            new(
                Stopwatch.GetTimestamp(),
                Process.GetCurrentProcess().TotalProcessorTime,
                ThreadCpu.Of(WriterThread),
                database.CommittedBatches,
                natsIn,
                ThreadCpu.ByName(),
                NatsPid is { } pid ? ThreadCpu.OfProcess(pid) : TimeSpan.Zero,
                GC.GetTotalAllocatedBytes(),
                ThreadCpu.WrittenBy(WriterThread),
                ThreadCpu.WrittenBy(CheckpointerThread));

        public Round Finish(int messages, TimeSpan handledIn, TimeSpan publishedIn, SqliteDatabase database, long? natsIn)
        {
            var commits = database.CommittedBatches - Commits;
            var threadsBefore = Threads;
            return new Round(
                messages / handledIn.TotalSeconds,
                messages / publishedIn.TotalSeconds,
                (Process.GetCurrentProcess().TotalProcessorTime - Cpu).TotalMicroseconds / messages,
                (ThreadCpu.Of(WriterThread) - Writer).TotalMicroseconds / messages,
                commits == 0 ? double.NaN : (double)messages / commits,
                natsIn is { } after && NatsIn is { } before ? (double)(after - before) / messages : double.NaN)
            {
                Threads = ThreadCpu.ByName().ToDictionary(t => t.Key, t => (t.Value - threadsBefore.GetValueOrDefault(t.Key)).TotalMicroseconds / messages),
                NatsServerMicroseconds = NatsPid is { } pid ? (ThreadCpu.OfProcess(pid) - NatsServer).TotalMicroseconds / messages : double.NaN,
                AllocatedBytes = (double)(GC.GetTotalAllocatedBytes() - Allocated) / messages,
                WriterBytes = (double)(ThreadCpu.WrittenBy(WriterThread) - WriterBytes) / messages,
                CheckpointerBytes = (double)(ThreadCpu.WrittenBy(CheckpointerThread) - CheckpointerBytes) / messages,
            };
        }
    }

    /// <summary>Counts the GC's collections during a measurement, their pauses and what they promoted.</summary>
    private sealed class CollectionWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly int _collections = GC.CollectionCount(0);
        private readonly int _older = GC.CollectionCount(1);
        private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
        private Task<long> _promoted = Task.FromResult(0L);

        public static CollectionWatch Start()
        {
            var watch = new CollectionWatch();
            watch._promoted = Task.Run(watch.SumPromotedAsync);
            return watch;
        }

        public async Task<string> StopAsync()
        {
            await _stop.CancelAsync();
            var promoted = await _promoted;
            var collections = GC.CollectionCount(0) - _collections;
            return $"GC during the loop: {collections} collections ({GC.CollectionCount(1) - _older} of generation 1 or 2), " +
                $"{(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:N0} ms paused, {promoted / Math.Max(1, collections) / 1024:N0} KB promoted per collection";
        }

        public void Dispose() => _stop.Dispose();

        // Polls, since a collection's own figures are kept only until the next: two collections within 5 ms count the second once.
        private async Task<long> SumPromotedAsync()
        {
            var promoted = 0L;
            var seen = GC.CollectionCount(0);
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(5, CancellationToken.None);
                if (GC.CollectionCount(0) is var count && count != seen)
                {
                    seen = count;
                    promoted += GC.GetGCMemoryInfo(GCKind.Any).PromotedBytes;
                }
            }

            return promoted;
        }
    }

    /// <summary>Counts calls still running, without keeping them: completes when all have, or throws the first failure.</summary>
    private sealed class Outstanding
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running = 1;
        private Exception? _failure;

        public void Track(Task call)
        {
            Interlocked.Increment(ref _running);
            if (call.IsCompleted)
            {
                Finish(call);
            }
            else
            {
                call.ContinueWith(static (task, state) => ((Outstanding)state!).Finish(task), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        /// <summary>Stops tracking: the returned task completes when the calls tracked so far have.</summary>
        public Task WhenAllAsync()
        {
            Finish(Task.CompletedTask);
            return _done.Task;
        }

        private void Finish(Task call)
        {
            if (call.Exception is { } failure)
            {
                Interlocked.CompareExchange(ref _failure, failure.InnerException ?? failure, null);
            }

            if (Interlocked.Decrement(ref _running) == 0)
            {
                if (_failure is { } first)
                {
                    _done.TrySetException(first);
                }
                else
                {
                    _done.TrySetResult();
                }
            }
        }
    }

    /// <summary>Reads the NATS server's monitoring endpoint.</summary>
    private sealed class NatsMonitor(string url)
    {
        private static readonly HttpClient Http = new();

        public async Task<long> InMessagesAsync()
        {
            var varz = JsonNode.Parse(await Http.GetStringAsync(url.TrimEnd('/') + "/varz"))!;
            return varz["in_msgs"]!.GetValue<long>();
        }
    }

    /// <summary>The raw JetStream baseline: publish with ack to a file-storage stream from this process, closed loop.</summary>
    private sealed class RawJetStream : IAsyncDisposable
    {
        private readonly NatsConnection _connection;
        private readonly NatsJSContext _jetStream;
        private readonly string _stream;
        private readonly string _subject;
        private readonly byte[] _body;

        private RawJetStream(NatsConnection connection, string stream, string subject)
        {
            _connection = connection;
            _jetStream = new NatsJSContext(connection);
            _stream = stream;
            _subject = subject;

            // The body the bus stores for a topic publish: the same envelope JSON.
            var envelope = new Envelope
            {
                Id = MessageIds.New(DateTimeOffset.UtcNow),
                Type = CounterAgent.Increment,
                Topic = Topic(0),
                Timestamp = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
            };
            _body = JsonSerializer.SerializeToUtf8Bytes(envelope, AosStorageJsonContext.Default.Envelope);
        }

        public static async Task<RawJetStream> CreateAsync(string url, string prefix)
        {
            var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "aos-bench-raw" });
            var raw = new RawJetStream(connection, prefix + "_RAW", prefix.ToLowerInvariant() + ".raw");
            await raw._jetStream.CreateStreamAsync(new StreamConfig(raw._stream, [raw._subject]) { Storage = StreamConfigStorage.File });
            return raw;
        }

        public async Task<Round> RoundAsync(int messages, int publishers, int window, SqliteDatabase database, NatsMonitor? monitor)
        {
            var sample = Sample.Take(database, monitor is null ? null : await monitor.InMessagesAsync());
            await Load.RunAsync(Agents, publishers, messages / publishers, async _ =>
            {
                var ack = await _jetStream.PublishAsync(_subject, _body, opts: new NatsJSPubOpts { MsgId = MessageIds.New(DateTimeOffset.UtcNow) });
                ack.EnsureSuccess();
            }, window);
            var elapsed = Stopwatch.GetElapsedTime(sample.Started);
            return sample.Finish(messages, elapsed, elapsed, database, monitor is null ? null : await monitor.InMessagesAsync());
        }

        public async Task DeleteAsync(string[] others)
        {
            foreach (var stream in others.Append(_stream))
            {
                try
                {
                    await _jetStream.DeleteStreamAsync(stream);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    // The bus creates its stream of earlier versions no longer.
                }
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
