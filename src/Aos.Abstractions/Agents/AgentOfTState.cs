using System.Text.Json;

namespace Aos.Agents;

/// <summary>
/// Serves as the base class of an agent with its own typed, durable state.
/// </summary>
/// <typeparam name="TState">The state type, serialized with the web defaults of System.Text.Json.</typeparam>
/// <remarks>
/// Mutate <see cref="State"/> in handlers: it is persisted when the turn ends, before the sender is told the event was
/// accepted, and restored after a sleep or a restart. A failed turn's changes are discarded.
/// </remarks>
public abstract class Agent<TState> : Agent
    where TState : class, new()
{
    /// <summary>Gets or sets the agent's state.</summary>
    protected TState State { get; set; } = new();

    /// <inheritdoc />
    protected override ValueTask<JsonElement?> SaveStateAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(State, JsonSerializerOptions.Web));

    /// <inheritdoc />
    protected override ValueTask LoadStateAsync(JsonElement? state, CancellationToken cancellationToken)
    {
        State = state is { ValueKind: JsonValueKind.Object } json
            ? json.Deserialize<TState>(JsonSerializerOptions.Web) ?? new TState()
            : new TState();
        return ValueTask.CompletedTask;
    }
}
