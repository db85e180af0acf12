using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Tests;

/// <summary>Finds the NATS server the tests run against, and skips (or, under CI, fails) a test when it is not there.</summary>
internal static class NatsTestServer
{
    /// <summary>Gets the URL of the server: <c>AOS_TEST_NATS_URL</c>, or the loopback default that <c>.ci/run</c> starts.</summary>
    public static string Url { get; } = Environment.GetEnvironmentVariable("AOS_TEST_NATS_URL") is { Length: > 0 } url ? url : "nats://127.0.0.1:4222";

    private static readonly Lazy<Task<string?>> Probe = new(ProbeAsync);

    /// <summary>Skips the current test when no NATS server with JetStream answers; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    public static async Task RequireAsync()
    {
        if (await Probe.Value is not { } problem)
        {
            return;
        }

        var reason = $"NATS JetStream is not reachable at {Url} ({problem}). Start it with 'nats-server -js -a 127.0.0.1 -p 4222 -sd <dir>', or set AOS_TEST_NATS_URL.";
        if (Environment.GetEnvironmentVariable("AOS_TEST_REQUIRE_SERVICES") == "1")
        {
            Assert.Fail(reason + " AOS_TEST_REQUIRE_SERVICES=1, so this is a failure.");
        }

        Assert.Skip(reason);
    }

    /// <summary>Deletes a stream and a key-value bucket, if they exist.</summary>
    public static async Task DeleteAsync(string stream, string bucket)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url });
        var jetStream = new NatsJSContext(connection);
        try
        {
            await jetStream.DeleteStreamAsync(stream);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        try
        {
            await new NatsKVContext(jetStream).DeleteStoreAsync(bucket);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url, ConnectTimeout = TimeSpan.FromSeconds(2) });
            await connection.ConnectAsync();
            var account = await new NatsJSContext(connection).GetAccountInfoAsync();
            return account is null ? "JetStream did not answer" : null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            return e.Message;
        }
    }
}
