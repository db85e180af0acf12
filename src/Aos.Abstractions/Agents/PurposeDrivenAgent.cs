using System.Text.Json;

namespace Aos.Agents;

/// <summary>
/// Serves as the base class of an agent with a long-term purpose, goals whose progress runs from 0 to 1, and
/// decision records with rationale.
/// </summary>
/// <remarks>
/// Every purpose-driven agent also handles the system messages <c>aos.context.set</c> <c>{key, value}</c>,
/// <c>aos.goal.add</c> <c>{description}</c>, <c>aos.goal.update</c> <c>{goalId, progress}</c>, <c>aos.goal.remove</c> <c>{goalId}</c> and
/// <c>aos.decision.record</c> <c>{decision, rationale, alternatives?, goalId?}</c>, as events or as requests
/// (a request's reply is the goal or decision, or whether the goal was removed).
/// </remarks>
public abstract class PurposeDrivenAgent : Agent
{
    private static readonly JsonElement NullValue = JsonElement.Parse("null");

    /// <summary>Initializes a new instance of the <see cref="PurposeDrivenAgent"/> class and registers the system handlers.</summary>
    protected PurposeDrivenAgent()
    {
        OnRequest<SetContextValue, JsonElement>("aos.context.set", (command, _) =>
        {
            if (string.IsNullOrWhiteSpace(command?.Key))
            {
                throw new AosValidationException("aos.context.set needs a non-empty 'key'.") { Field = "payload.key" };
            }

            // A missing 'value' is stored as JSON null; an undefined element cannot be serialized as the reply.
            var value = command.Value.ValueKind == JsonValueKind.Undefined ? NullValue : command.Value;
            Context.Store.SetValue(command.Key, value);
            return ValueTask.FromResult(value);
        });
        OnRequest<AddGoalCommand, Goal>("aos.goal.add", (command, _) =>
        {
            if (string.IsNullOrWhiteSpace(command?.Description))
            {
                throw new AosValidationException("aos.goal.add needs a non-empty 'description'.") { Field = "payload.description" };
            }

            return ValueTask.FromResult(Context.Goals.Add(command.Description));
        });
        OnRequest<UpdateGoalCommand, Goal>("aos.goal.update", (command, _) =>
        {
            if (string.IsNullOrWhiteSpace(command?.GoalId) || command.Progress is not { } progress)
            {
                throw new AosValidationException("aos.goal.update needs 'goalId' and 'progress' (0 to 1).") { Field = "payload" };
            }

            return ValueTask.FromResult(Context.Goals.Update(command.GoalId, progress));
        });
        OnRequest<RemoveGoalCommand, bool>("aos.goal.remove", (command, _) =>
        {
            if (string.IsNullOrWhiteSpace(command?.GoalId))
            {
                throw new AosValidationException("aos.goal.remove needs 'goalId'.") { Field = "payload.goalId" };
            }

            return ValueTask.FromResult(Context.Goals.Remove(command.GoalId));
        });
        OnRequest<DecisionRecord, DecisionRecord>("aos.decision.record", (decision, _) =>
        {
            if (string.IsNullOrWhiteSpace(decision?.Decision) || string.IsNullOrWhiteSpace(decision.Rationale))
            {
                throw new AosValidationException("aos.decision.record needs 'decision' and 'rationale'.") { Field = "payload" };
            }

            return ValueTask.FromResult(RecordDecision(decision));
        });
    }

    /// <summary>Gets the agent's long-term purpose, from its descriptor.</summary>
    protected string Purpose => Context.Descriptor.Purpose ?? string.Empty;

    /// <summary>Gets the agent's goals.</summary>
    protected IReadOnlyList<Goal> Goals => Context.Goals.All;

    /// <summary>Adds a goal at progress 0.</summary>
    /// <param name="description">What the goal is.</param>
    /// <returns>The new goal.</returns>
    protected Goal AddGoal(string description) => Context.Goals.Add(description);

    /// <summary>Sets a goal's progress; the goal completes at 1.</summary>
    /// <param name="goalId">The goal's id.</param>
    /// <param name="progress">The progress, from 0 to 1.</param>
    /// <returns>The updated goal.</returns>
    protected Goal UpdateGoal(string goalId, double progress) => Context.Goals.Update(goalId, progress);

    /// <summary>Removes a goal, open or completed.</summary>
    /// <param name="goalId">The goal's id.</param>
    /// <returns><see langword="true"/> when the goal was removed; <see langword="false"/> when there is none with that id.</returns>
    protected bool RemoveGoal(string goalId) => Context.Goals.Remove(goalId);

    /// <summary>Records a decision with its rationale, stamped with the current time.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The recorded decision.</returns>
    protected DecisionRecord RecordDecision(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var stamped = decision with { Timestamp = Context.TimeProvider.GetUtcNow() };
        Context.RecordDecision(stamped);
        return stamped;
    }

    private sealed record SetContextValue(string Key, JsonElement Value);

    private sealed record AddGoalCommand(string Description);

    private sealed record UpdateGoalCommand(string GoalId, double? Progress);

    private sealed record RemoveGoalCommand(string GoalId);
}
