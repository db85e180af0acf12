using System.Text.Json;
using Aos.Governance;
using Aos.Governance.Audit;
using Aos.Governance.Policies;
using Aos.Governance.SystemCalls;
using Aos.Kernel.SystemCalls;
using Aos.Reliability;
using Aos.Reliability.SystemCalls;
using Aos.SystemCalls;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Benchmarks;

/// <summary>
/// The overhead of the system-call pipeline on one call: the same trivial operation run directly (the baseline) and through the
/// pipeline AOS hosts use (telemetry, audit into the real SQLite log, authorization, policy with 100 rules, load shedding), and through
/// the pipeline without its audit stage. Target: ≤ 20 µs p50 over the baseline.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SystemCallPipelineBenchmarks
{
    private static readonly Func<SystemCall, CancellationToken, ValueTask<int>> Operation = static (_, _) => ValueTask.FromResult(1);
    private static readonly JsonElement Payload = JsonElement.Parse("""{ "amount": 500, "currency": "EUR", "card": { "number": "4111" } }""");

    private ServiceProvider _services = null!;
    private ISystemCallInvoker _full = null!;
    private ISystemCallInvoker _unaudited = null!;
    private string _directory = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("aos-bench-syscalls-").FullName;
        _services = new ServiceCollection()
            .AddLogging()
            .AddAosGovernance()
            .AddAosReliability()
            .AddAosAuditLog(o =>
            {
                o.DatabasePath = Path.Combine(_directory, "audit.db");
                o.KeyDirectory = Path.Combine(_directory, "keys");
            })
            .BuildServiceProvider();
        _services.GetRequiredService<PolicyEngine>().Install([new PolicyDocument { Name = "bench", Rules = [.. Enumerable.Range(0, 100).Select(PolicyEngineBenchmarks.Rule)] }]);
        _full = new SystemCallPipelineBuilder().UseTelemetry().UseAudit().UseAuthorization().UsePolicy().UseResilience().Build(_services);
        _unaudited = new SystemCallPipelineBuilder().UseTelemetry().UseAuthorization().UsePolicy().UseResilience().Build(_services);
        if (_full.InvokeAsync(Call(), Operation).AsTask().GetAwaiter().GetResult() != 1)
        {
            throw new InvalidOperationException("The pipeline did not run the operation.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> Direct() => SystemCallInvoker.Direct.InvokeAsync(Call(), Operation);

    [Benchmark]
    public ValueTask<int> Pipeline() => _full.InvokeAsync(Call(), Operation);

    [Benchmark]
    public ValueTask<int> PipelineWithoutAudit() => _unaudited.InvokeAsync(Call(), Operation);

    private static SystemCall Call() => new()
    {
        Action = "message.send",
        Resource = "agent:billing",
        Tenant = "acme",
        Actor = "agent:orders",
        Agent = "orders",
        Payload = Payload,
        Id = "m-1",
    };

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}
