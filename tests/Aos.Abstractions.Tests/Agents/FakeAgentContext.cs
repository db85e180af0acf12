using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Abstractions.Tests.Agents;

/// <summary>An in-memory <see cref="IAgentContext"/> for driving an agent without a runtime.</summary>
internal sealed class FakeAgentContext : IAgentContext, IAgentContextStore, IAgentGoals
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly List<Goal> _goals = [];

    public FakeAgentContext(string id = "agent-1", string type = "test", string? purpose = null) =>
        Descriptor = new AgentDescriptor { Id = AgentId.Parse(id), Type = type, Purpose = purpose };

    public AgentDescriptor Descriptor { get; }

    public Envelope? CurrentMessage { get; set; }

    public TimeProvider TimeProvider { get; } = TimeProvider.System;

    public IAgentContextStore Store => this;

    public IAgentGoals Goals => this;

    public Aos.Storage.IAgentStorage Storage => throw new NotSupportedException("The fake context has no storage.");

    public List<DecisionRecord> Decisions { get; } = [];

    public IReadOnlyDictionary<string, JsonElement> Values => _values;

    public IReadOnlyDictionary<string, long> Counters => _counters;

    public IReadOnlyList<Goal> All => _goals;

    public void RecordDecision(DecisionRecord decision) => Decisions.Add(decision);

    public void SetValue(string key, JsonElement value) => _values[key] = value.Clone();

    public bool RemoveValue(string key) => _values.Remove(key);

    public long Increment(string counter, long delta = 1) => _counters[counter] = _counters.GetValueOrDefault(counter) + delta;

    public void Remember(MemoryItem item) => throw new NotSupportedException();

    public ValueTask<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(int limit = 100, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<IReadOnlyList<MemoryItem>> ReadMemoryAsync(int limit = 100, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Goal Add(string description)
    {
        var goal = new Goal { Id = $"g{_goals.Count + 1}", Description = description };
        _goals.Add(goal);
        return goal;
    }

    public bool Remove(string goalId) => _goals.RemoveAll(g => g.Id == goalId) > 0;

    public Goal Update(string goalId, double progress)
    {
        var index = _goals.FindIndex(g => g.Id == goalId);
        _goals[index] = _goals[index] with { Progress = progress, Completed = progress >= 1 };
        return _goals[index];
    }

    public ValueTask SendAsync(Envelope message, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask PublishAsync(Envelope message, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask BroadcastAsync(Envelope message, string idPrefix, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<bool> SubscribeAsync(string pattern, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<bool> UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<JsonElement?> RequestAsync(Envelope request, TimeSpan timeout, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask ScheduleWakeUpAsync(string name, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask CancelWakeUpAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public static Envelope Message(string type, object? payload = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Payload = payload is null ? null : JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
    };

    public static Envelope RawMessage(string type, string json) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Payload = JsonElement.Parse(json),
    };
}
