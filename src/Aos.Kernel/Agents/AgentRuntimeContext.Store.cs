using System.Text.Json;
using Aos.Agents;
using Aos.Storage;

namespace Aos.Kernel.Agents;

internal sealed partial class AgentRuntimeContext
{
    public void SetValue(string key, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ThrowIfDetached();
        var copy = value.ValueKind == JsonValueKind.Undefined ? JsonElement.Parse("null") : value.Clone();
        _values[key] = copy;
        _state.Values[key] = copy.GetRawText();
    }

    public bool RemoveValue(string key)
    {
        ThrowIfDetached();
        _values.Remove(key);
        return _state.Values.Remove(key);
    }

    public long Increment(string counter, long delta = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(counter);
        ThrowIfDetached();
        var value = _state.Counters.GetValueOrDefault(counter) + delta;
        _state.Counters[counter] = value;
        return value;
    }

    public void Remember(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        ThrowIfDetached();
        PendingMemory.Add(item.Timestamp == default ? item with { Timestamp = TimeProvider.GetUtcNow() } : item);
    }

    public async ValueTask<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        var entries = await _journal.ReadAsync(Descriptor.Id, JournalKind.History, Math.Clamp(limit, 0, _options.HistoryLimit), cancellationToken);
        return [.. entries.Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.HistoryEntry)!)];
    }

    public async ValueTask<IReadOnlyList<MemoryItem>> ReadMemoryAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        var entries = await _journal.ReadAsync(Descriptor.Id, JournalKind.Memory, Math.Clamp(limit, 0, _options.MemoryLimit), cancellationToken);
        var items = entries.Select(e => JsonSerializer.Deserialize(e.Data, KernelJsonContext.Default.MemoryItem)!);

        // Items remembered in this turn are visible to the turn before they are durable.
        return [.. items.Concat(PendingMemory).TakeLast(limit)];
    }

    public Goal Add(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ThrowIfDetached();
        if (_state.Goals.Count >= _options.GoalLimit)
        {
            var oldestCompleted = _state.Goals.FindIndex(g => g.Completed);
            if (oldestCompleted < 0)
            {
                throw new AosValidationException(
                    $"Agent '{Descriptor.Id}' has {_state.Goals.Count} open goals, its limit (Aos:Kernel:GoalLimit); complete or remove one before adding another.") { Field = "description" };
            }

            _state.Goals.RemoveAt(oldestCompleted);
        }

        var goal = new Goal
        {
            Id = $"g{_state.NextGoalNumber++}",
            Description = description,
            CreatedAt = TimeProvider.GetUtcNow(),
        };
        _state.Goals.Add(goal);
        return goal;
    }

    public bool Remove(string goalId)
    {
        ThrowIfDetached();
        return _state.Goals.RemoveAll(g => g.Id == goalId) > 0;
    }

    public Goal Update(string goalId, double progress)
    {
        ThrowIfDetached();
        if (double.IsNaN(progress) || progress is < 0 or > 1)
        {
            throw new AosValidationException($"Goal progress must be between 0 and 1; it was {progress}.") { Field = "progress" };
        }

        var index = _state.Goals.FindIndex(g => g.Id == goalId);
        if (index < 0)
        {
            var known = _state.Goals.Count == 0 ? "it has none"
                : _state.Goals.Count <= 10 ? $"its goals are {string.Join(", ", _state.Goals.Select(g => g.Id))}"
                : $"it has {_state.Goals.Count} goals, the newest {_state.Goals[^1].Id}";
            throw new AosValidationException($"Agent '{Descriptor.Id}' has no goal '{goalId}'; {known}.") { Field = "goalId" };
        }

        var goal = _state.Goals[index];
        var completed = progress >= 1.0;
        goal = goal with
        {
            Progress = progress,
            Completed = completed,
            CompletedAt = completed ? goal.CompletedAt ?? TimeProvider.GetUtcNow() : null,
        };
        _state.Goals[index] = goal;
        return goal;
    }
}
