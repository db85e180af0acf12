using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Aos.TestSupport;

/// <summary>The NATS JetStream server the tests run against: where it is, whether it answers (asked once per run), and cleaning up after a test.</summary>
internal static class TestNats
{
    /// <summary>Gets the URL of the server: <c>AOS_TEST_NATS_URL</c>, or the loopback default that <c>.ci/run</c> starts.</summary>
    public static string Url { get; } = Environment.GetEnvironmentVariable("AOS_TEST_NATS_URL") is { Length: > 0 } url ? url : "nats://127.0.0.1:4222";

    /// <summary>
    /// Gets the URL of a server of a JetStream cluster of three, for replicated streams: <c>AOS_TEST_NATS_CLUSTER_URL</c>, or the loopback
    /// default that <c>.ci/run</c> starts.
    /// </summary>
    public static string ClusterUrl { get; } = Environment.GetEnvironmentVariable("AOS_TEST_NATS_CLUSTER_URL") is { Length: > 0 } url ? url : "nats://127.0.0.1:4223";

    private static Lazy<Task<string?>> Probe { get; } = new(() => ProbeAsync(Url, cluster: false));

    private static Lazy<Task<string?>> ClusterProbe { get; } = new(() => ProbeAsync(ClusterUrl, cluster: true));

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

    /// <summary>Skips the current test when no JetStream cluster answers at <see cref="ClusterUrl"/>; fails it instead when <c>AOS_TEST_REQUIRE_SERVICES=1</c>.</summary>
    /// <returns>A task that completes when the cluster answers.</returns>
    public static async Task RequireClusterAsync()
    {
        if (await ClusterProbe.Value is { } problem)
        {
            RequiredService.SkipOrFail(
                $"A NATS JetStream cluster is not reachable at {ClusterUrl} ({problem}). Start three servers as .ci/run does ('nats-server -js " +
                "-a 127.0.0.1 -p 4223 -n n1 --cluster_name aos --cluster nats://127.0.0.1:6223 --routes nats://127.0.0.1:6223,nats://127.0.0.1:6224," +
                "nats://127.0.0.1:6225 -sd <dir>', and likewise on 4224/6224 and 4225/6225), or set AOS_TEST_NATS_CLUSTER_URL.");
        }
    }

    /// <summary>Deletes streams and key-value buckets, those that exist; one that cannot be deleted is passed over.</summary>
    /// <param name="streams">The streams.</param>
    /// <param name="buckets">The buckets.</param>
    /// <param name="url">The server, <see cref="Url"/> unless given.</param>
    /// <returns>A task that completes when they are gone.</returns>
    public static async Task DeleteAsync(IEnumerable<string> streams, IEnumerable<string> buckets, string? url = null)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = url ?? Url });
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

    private static async Task<string?> ProbeAsync(string url, bool cluster)
    {
        try
        {
            await using var connection = new NatsConnection(NatsOpts.Default with { Url = url, ConnectTimeout = TimeSpan.FromSeconds(3) });
            await connection.ConnectAsync();
            if (await new NatsJSContext(connection).GetAccountInfoAsync() is null)
            {
                return "JetStream did not answer";
            }

            return cluster && connection.ServerInfo?.Cluster is not { Length: > 0 } ? "the server there is not part of a cluster" : null;
        }
        catch (Exception e)
        {
            // Whatever stops the probe says the server cannot be used; the reason names it.
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
