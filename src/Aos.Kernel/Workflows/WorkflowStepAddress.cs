using System.Globalization;

namespace Aos.Kernel.Workflows;

/// <summary>Names one attempt of one step of a run, so that whatever finishes it later (a reply, an approval, a child run) can say which.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StepId">The step.</param>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="Iteration">The run's iteration.</param>
/// <param name="Compensating">Whether it is the step's compensation.</param>
[GenerateSerializer, Immutable, Alias("aos.workflow-step-address")]
public sealed record WorkflowStepAddress(
    [property: Id(0)] string RunId,
    [property: Id(1)] string StepId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Iteration,
    [property: Id(4)] bool Compensating = false)
{
    /// <summary>The prefix of a reply address that names a workflow step.</summary>
    public const string ReplyPrefix = "workflow:";

    /// <summary>Writes the address as <c>run/step/attempt/iteration</c>, with <c>/undo</c> for a compensation.</summary>
    /// <returns>The address.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RunId}/{StepId}/{Attempt}/{Iteration}{(Compensating ? "/undo" : string.Empty)}");

    /// <summary>Reads an address written by <see cref="ToString"/>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="address">The address.</param>
    /// <returns>Whether the text is an address.</returns>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkflowStepAddress? address)
    {
        address = null;
        var parts = value?.Split('/');
        if (parts is not { Length: 4 or 5 } || (parts.Length == 5 && parts[4] != "undo")
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var iteration))
        {
            return false;
        }

        address = new WorkflowStepAddress(parts[0], parts[1], attempt, iteration, parts.Length == 5);
        return true;
    }
}
