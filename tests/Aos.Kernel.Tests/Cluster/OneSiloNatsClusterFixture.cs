using Aos.TestSupport;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.Cluster;

/// <summary>
/// One AOS silo whose bus runs on NATS JetStream (<c>Aos:Bus:Transport</c> = <c>nats</c>), against the server <c>.ci/run</c> starts or
/// <c>AOS_TEST_NATS_URL</c> names, with a ledger bucket of its own that is deleted afterwards. Without a server the cluster is not
/// started and every test skips (fails under <c>AOS_TEST_REQUIRE_SERVICES=1</c>).
/// </summary>
public sealed class OneSiloNatsClusterFixture : AgentClusterFixture
{
    private readonly string _prefix = "AOSKT" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
    private string? _absent;

    public override short SiloCount => 1;

    public override async ValueTask InitializeAsync()
    {
        _absent = await TestNats.ProblemAsync();
        if (_absent is null)
        {
            await base.InitializeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_absent is null)
        {
            await TestNats.DeleteAsync([], [_prefix + "_LEDGER"]);
        }
    }

    public override Task RequireAsync()
    {
        if (_absent is { } problem)
        {
            RequiredService.SkipOrFail(TestNats.Reason(problem));
        }

        return Task.CompletedTask;
    }

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Aos:Bus:Transport"] = "nats";
        builder.Properties["Aos:Nats:Transport:Url"] = TestNats.Url;
        builder.Properties["Aos:Nats:Transport:StreamPrefix"] = _prefix;
    }
}
