using Aos.Agents;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Agents;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Benchmarks;

/// <summary>
/// Measures the serialization of an agent's grain state, which happens on every turn: Orleans' binary serializer against the
/// default grain storage serializer (Newtonsoft JSON with type names, the baseline).
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GrainStateSerializerBenchmarks
{
    private BenchHost _host = null!;
    private IGrainStorageSerializer _json = null!;
    private IGrainStorageSerializer _binary = null!;
    private AgentState _state = null!;
    private BinaryData _jsonData = null!;
    private BinaryData _binaryData = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await BenchHost.StartAsync();
        // The serializer SQLite grain storage uses unless configured otherwise: the one Orleans registers.
        _json = _host.Services.GetRequiredService<IGrainStorageSerializer>();
        _binary = new OrleansGrainStorageSerializer(_host.Services.GetRequiredService<Serializer>());

        // A counter agent's state after a few thousand events, with one context value and one goal.
        _state = new AgentState
        {
            WakeCount = 3,
            EventsProcessed = 4_096,
            LastEventAt = DateTimeOffset.UtcNow,
            AgentStateJson = """{"count":4096}""",
            Values = { ["customer"] = """{"name":"Ada","tier":"gold"}""" },
            Counters = { ["orders"] = 17 },
            Goals = { new Goal { Id = "g-1", Description = "Answer every order within a day", CreatedAt = DateTimeOffset.UtcNow } },
        };
        _jsonData = _json.Serialize(_state);
        _binaryData = _binary.Serialize(_state);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _host.DisposeAsync();
        BenchHost.DeleteDirectory(_host.DataDirectory);
    }

    [BenchmarkCategory("Serialize")]
    [Benchmark(Baseline = true, Description = "Serialize: default grain storage serializer (Newtonsoft JSON)")]
    public BinaryData SerializeJson() => _json.Serialize(_state);

    [BenchmarkCategory("Serialize")]
    [Benchmark(Description = "Serialize: Orleans binary serializer")]
    public BinaryData SerializeBinary() => _binary.Serialize(_state);

    [BenchmarkCategory("Deserialize")]
    [Benchmark(Baseline = true, Description = "Deserialize: default grain storage serializer (Newtonsoft JSON)")]
    public AgentState? DeserializeJson() => _json.Deserialize<AgentState>(_jsonData);

    [BenchmarkCategory("Deserialize")]
    [Benchmark(Description = "Deserialize: Orleans binary serializer")]
    public AgentState? DeserializeBinary() => _binary.Deserialize<AgentState>(_binaryData);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Categories group each benchmark with its own baseline.
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}
