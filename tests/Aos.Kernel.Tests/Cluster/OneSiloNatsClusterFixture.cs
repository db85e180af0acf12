using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
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

    /// <summary>Gets the URL of the server.</summary>
    public static string Url { get; } = Environment.GetEnvironmentVariable("AOS_TEST_NATS_URL") is { Length: > 0 } url ? url : "nats://127.0.0.1:4222";

    public override short SiloCount => 1;

    public override async ValueTask InitializeAsync()
    {
        _absent = await ProbeAsync();
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
            await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url });
            try
            {
                await new NatsKVContext(new NatsJSContext(connection)).DeleteStoreAsync(_prefix + "_LEDGER");
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
            }
        }
    }

    public override Task RequireAsync()
    {
        if (_absent is { } problem)
        {
            var reason = $"NATS JetStream is not reachable at {Url} ({problem}). Start it with 'nats-server -js -a 127.0.0.1 -p 4222 -sd <dir>', or set AOS_TEST_NATS_URL.";
            if (Environment.GetEnvironmentVariable("AOS_TEST_REQUIRE_SERVICES") == "1")
            {
                Assert.Fail(reason + " AOS_TEST_REQUIRE_SERVICES=1, so this is a failure.");
            }

            Assert.Skip(reason);
        }

        return Task.CompletedTask;
    }

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Aos:Bus:Transport"] = "nats";
        builder.Properties["Aos:Nats:Transport:Url"] = Url;
        builder.Properties["Aos:Nats:Transport:StreamPrefix"] = _prefix;
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url, ConnectTimeout = TimeSpan.FromSeconds(2) });
            await connection.ConnectAsync();
            return await new NatsJSContext(connection).GetAccountInfoAsync() is null ? "JetStream did not answer" : null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            return e.Message;
        }
    }
}
