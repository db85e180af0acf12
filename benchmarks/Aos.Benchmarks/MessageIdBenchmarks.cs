using Aos.Messaging;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Aos.Benchmarks;

/// <summary>
/// The cost of giving a message an id: <see cref="MessageIds.New"/>, which the bus and the agent client use for every message that
/// comes without one, against <see cref="Guid.CreateVersion7(DateTimeOffset)"/> formatted the same way (the baseline), which asks the
/// operating system for its random bits on every call.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class MessageIdBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Benchmark(Baseline = true, Description = "Guid.CreateVersion7(now).ToString(\"N\")")]
    public string GuidVersion7() => Guid.CreateVersion7(Now).ToString("N");

    [Benchmark(Description = "MessageIds.New(now)")]
    public string MessageId() => MessageIds.New(Now);

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
