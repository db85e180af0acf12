using System.Text.Json;

namespace Aos.Workflows;

/// <summary>What became of one attempt of a workflow step: completed with a result, failed with a reason, or waiting.</summary>
[GenerateSerializer, Immutable, Alias("aos.workflow-step-outcome")]
public sealed record WorkflowStepOutcome
{
    private WorkflowStepOutcome()
    {
    }

    /// <summary>Gets whether the attempt is still waiting for something outside.</summary>
    [Id(0)] public bool IsWaiting { get; private init; }

    /// <summary>Gets why the attempt failed, or <see langword="null"/> when it did not.</summary>
    [Id(1)] public string? Error { get; private init; }

    /// <summary>Gets the result, a JSON value, of a completed attempt.</summary>
    [Id(2)] public string? Result { get; private init; }

    /// <summary>Gets when the runner should check a waiting attempt again (by calling the kind once more), if at all.</summary>
    [Id(3)] public DateTimeOffset? CheckAt { get; private init; }

    /// <summary>Gets whether the failure is final: no retry is attempted even when the step has attempts left.</summary>
    [Id(4)] public bool IsFinal { get; private init; }

    /// <summary>Gets whether the attempt completed.</summary>
    public bool IsCompleted => !IsWaiting && Error is null;

    /// <summary>Creates the outcome of a completed attempt.</summary>
    /// <param name="result">The result, or <see langword="null"/>.</param>
    /// <returns>The outcome.</returns>
    public static WorkflowStepOutcome Completed(JsonElement? result = null) =>
        new() { Result = result is { ValueKind: not JsonValueKind.Undefined } r ? r.GetRawText() : null };

    /// <summary>Creates the outcome of a completed attempt from a JSON text.</summary>
    /// <param name="resultJson">The result as JSON text, or <see langword="null"/>.</param>
    /// <returns>The outcome.</returns>
    public static WorkflowStepOutcome CompletedJson(string? resultJson) => new() { Result = resultJson };

    /// <summary>Creates the outcome of a failed attempt.</summary>
    /// <param name="error">Why it failed.</param>
    /// <param name="final">Whether the step must not be retried.</param>
    /// <returns>The outcome.</returns>
    public static WorkflowStepOutcome Failed(string error, bool final = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new() { Error = error, IsFinal = final };
    }

    /// <summary>Creates the outcome of an attempt that waits for something outside.</summary>
    /// <param name="checkAt">When to check again, or <see langword="null"/> to wait to be told.</param>
    /// <returns>The outcome.</returns>
    public static WorkflowStepOutcome Waiting(DateTimeOffset? checkAt = null) => new() { IsWaiting = true, CheckAt = checkAt };
}
