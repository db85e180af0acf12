using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.TestSupport;

/// <summary>The NATS JetStream server the tests run against: where it is, whether it answers (asked once per run), and cleaning up after a test.</summary>
internal static class TestNats
{
    private static readonly Lazy<Task<string?>> Probe = new(ProbeAsync);

    /// <summary>Gets the URL of the server: <c>AOS_TEST_NATS_URL</c>, or the loopback default that <c>.ci/run</c> starts.</summary>
    public static string Url { get; } = Environment.GetEnvironmentVariable("AOS_TEST_NATS_URL") is { Length: > 0 } url ? url : "nats://127.0.0.1:4222";

    /// <summary>Tells why the server cannot be used.</summary>
    /// <returns>The problem, or <see langword="null"/> when a server with JetStream answers.</returns>
    public static Task<string?> ProblemAsync() => Probe.Value;

    /// <summary>Gets the reason a test without the server gives: what failed, and how to start one.</summary>
    /// <param name="problem">The problem <see cref="ProblemAsync"/> found.</param>
    /// <returns>The reason.</returns>
    public static string Reason(string problem) =>
        $"NATS JetStream is not reachable at {Url} ({problem}). Start it with 'nats-server -js -a 127.0.0.1 -p 4222 -sd <dir>', or set AOS_TEST_NATS_URL.";

    /// <summary>Skips the current test when no NATS server with JetStream answers; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    /// <returns>A task that completes when the server answers.</returns>
    public static async Task RequireAsync()
    {
        if (await ProblemAsync() is { } problem)
        {
            RequiredService.SkipOrFail(Reason(problem));
        }
    }

    /// <summary>Deletes streams and key-value buckets, those that exist; one that cannot be deleted is passed over.</summary>
    /// <param name="streams">The streams.</param>
    /// <param name="buckets">The buckets.</param>
    /// <returns>A task that completes when they are gone.</returns>
    public static async Task DeleteAsync(IEnumerable<string> streams, IEnumerable<string> buckets)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url });
        var jetStream = new NatsJSContext(connection);
        var keyValues = new NatsKVContext(jetStream);
        foreach (var stream in streams)
        {
            await BestEffortAsync(() => jetStream.DeleteStreamAsync(stream, CancellationToken.None));
        }

        foreach (var bucket in buckets)
        {
            await BestEffortAsync(() => keyValues.DeleteStoreAsync(bucket, CancellationToken.None));
        }
    }

    private static async Task BestEffortAsync(Func<ValueTask<bool>> delete)
    {
        try
        {
            await delete();
        }
        catch (NatsJSApiException)
        {
            // Absent (404), or refused: cleaning up is best effort, and the next one is tried.
        }
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            await using var connection = new NatsConnection(NatsOpts.Default with { Url = Url, ConnectTimeout = TimeSpan.FromSeconds(3) });
            await connection.ConnectAsync();
            return await new NatsJSContext(connection).GetAccountInfoAsync() is null ? "JetStream did not answer" : null;
        }
        catch (Exception e)
        {
            // Whatever stops the probe says the server cannot be used; the reason names it.
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
