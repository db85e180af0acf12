namespace Aos.Agents;

/// <summary>Keeps a purpose-driven agent's goals and their progress.</summary>
/// <remarks>Changes are persisted with the agent's turn. Not thread-safe; use it from the agent's turn.</remarks>
public interface IAgentGoals
{
    /// <summary>Gets every goal, in the order they were added.</summary>
    IReadOnlyList<Goal> All { get; }

    /// <summary>Adds a goal at progress 0.</summary>
    /// <remarks>An agent keeps a bounded number of goals (<c>Aos:Kernel:GoalLimit</c>, 1,000 by default): at the limit, its oldest completed goal is forgotten to make room.</remarks>
    /// <param name="description">What the goal is.</param>
    /// <returns>The new goal.</returns>
    /// <exception cref="AosValidationException">The agent is at its goal limit and every goal is open: complete or remove one first. Nothing was added.</exception>
    Goal Add(string description);

    /// <summary>Removes a goal, open or completed.</summary>
    /// <param name="goalId">The goal's id.</param>
    /// <returns><see langword="true"/> when the goal was removed; <see langword="false"/> when the agent has no goal with that id.</returns>
    bool Remove(string goalId);

    /// <summary>Sets a goal's progress; the goal completes at 1.</summary>
    /// <param name="goalId">The goal's id.</param>
    /// <param name="progress">The progress, from 0 to 1.</param>
    /// <returns>The updated goal.</returns>
    /// <exception cref="AosValidationException">The goal does not exist or the progress is outside 0..1.</exception>
    Goal Update(string goalId, double progress);
}
