using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Registry;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Aos.Benchmarks;

/// <summary>
/// Measures events handled per second with the agent's state durable in SQLite before each acknowledgement: 1,000 counter
/// agents, 100 concurrent senders. Baseline: the same load on a trivial Orleans grain that increments a counter and writes it
/// with <c>IPersistentState</c> on memory storage, in the same silo.
/// </summary>
[Config(typeof(Config))]
public class EventThroughputBenchmarks
{
    private const int Agents = 1_000;
    private const int Senders = 100;
    private const int EventsPerSender = 200;
    private const int Events = Senders * EventsPerSender;

    private BenchHost _host = null!;
    private AgentClient _client = null!;
    private AgentId[] _agents = null!;
    private ICounterGrain[] _grains = null!;
    private CpuMonitor _cpu = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await BenchHost.StartAsync();
        _client = _host.Client;
        _agents = await Load.RegisterCountersAsync(_host.Registry, Agents);
        _grains = [.. Enumerable.Range(0, Agents).Select(i => _host.Grains.GetGrain<ICounterGrain>(Load.AgentName(i)))];

        // Activate every agent and grain first: this measures steady-state handling, not activation.
        await Load.RunAsync(Agents, Senders, Agents / Senders, i => _client.SendAsync(_agents[i], _client.CreateMessage(CounterAgent.Increment, null)));
        await Load.RunAsync(Agents, Senders, Agents / Senders, i => _grains[i].IncrementAsync());
        _cpu = CpuMonitor.Start();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        // Other processes competing for the two cores show up here; a figure taken under such load is not comparable.
        Console.WriteLine($"// {_cpu.Stop()}");
        await _host.DisposeAsync();
        BenchHost.DeleteDirectory(_host.DataDirectory);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "Orleans grain, IPersistentState on memory storage")]
    public Task RawOrleansGrain() => Load.RunAsync(Agents, Senders, EventsPerSender, i => _grains[i].IncrementAsync());

    [Benchmark(OperationsPerInvoke = Events, Description = "AOS agent event, state durable in SQLite (AgentClient.SendAsync)")]
    public Task AgentEvent() => Load.RunAsync(Agents, Senders, EventsPerSender, i => _client.SendAsync(_agents[i], _client.CreateMessage(CounterAgent.Increment, null)));

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(12)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(StatisticColumn.OperationsPerSecond);
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}
