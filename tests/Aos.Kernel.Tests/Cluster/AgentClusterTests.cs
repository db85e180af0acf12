using System.Text.Json;
using Aos.Kernel.Agents;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.TestAgents;

namespace Aos.Kernel.Tests.Cluster;

/// <summary>
/// Runs the kernel against a real Orleans cluster on SQLite: registry, messaging, durable turns and lifecycle.
/// Each concrete class runs every test on its own cluster (one silo, two silos).
/// </summary>
/// <remarks>
/// Agents are registered through the first silo and messaged through the last one, so with two silos the calls cross
/// silos. Every test uses fresh agent ids: the cluster is shared by the tests of a class.
/// </remarks>
public abstract partial class AgentClusterTests(AgentClusterFixture fixture)
{
    protected AgentClusterFixture Fixture { get; } = fixture;

    protected AgentRegistry Registry => Fixture.Registry(0);

    protected AgentClient Client => Fixture.Client(Fixture.SiloCount - 1);

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected async Task<AgentId> RegisterAsync(string type, string? id = null, string? purpose = null, IReadOnlyList<string>? capabilities = null)
    {
        var descriptor = await Registry.RegisterAsync(
            new AgentRegistration { Id = id ?? NewId(type), Type = type, Purpose = purpose, Capabilities = capabilities },
            Cancellation);
        return descriptor.Id;
    }

    protected Task<DeliveryResult> SendAsync(AgentId id, string type, object? payload = null, string source = "test", AgentClient? client = null)
    {
        client ??= Client;
        return client.SendAsync(id, client.CreateMessage(type, Json(payload), source), Cancellation);
    }

    protected Task<JsonElement?> RequestAsync(AgentId id, string type, object? payload = null) =>
        Client.RequestAsync(id, Client.CreateMessage(type, Json(payload)), cancellationToken: Cancellation);

    private protected async Task<CounterState> GetCounterStateAsync(AgentId id) =>
        (await RequestAsync(id, "get"))!.Value.Deserialize<CounterState>(JsonSerializerOptions.Web)!;

    private static JsonElement? Json(object? payload) =>
        payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web);
}

public sealed class OneSiloAgentClusterTests(OneSiloClusterFixture fixture) : AgentClusterTests(fixture), IClassFixture<OneSiloClusterFixture>;

public sealed class TwoSiloAgentClusterTests(TwoSiloClusterFixture fixture) : AgentClusterTests(fixture), IClassFixture<TwoSiloClusterFixture>;
