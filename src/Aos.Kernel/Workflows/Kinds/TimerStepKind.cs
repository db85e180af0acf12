using System.Text.Json;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>
/// Waits: <c>{"delay": "24h"}</c> from the attempt's start, or <c>{"until": "2027-01-01T00:00:00Z"}</c>. The run's durable timer fires it;
/// one that came due while the node was down fires as soon as the run is back.
/// </summary>
internal sealed class TimerStepKind(TimeProvider timeProvider) : IWorkflowStepKind
{
    public string Kind => "timer";

    public ValueTask<WorkflowStepOutcome> StartAsync(WorkflowStepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var due = Due(context);
        var now = timeProvider.GetUtcNow();
        return ValueTask.FromResult(now >= due
            ? WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(new Dictionary<string, DateTimeOffset> { ["due"] = due, ["firedAt"] = now }))
            : WorkflowStepOutcome.Waiting(due));
    }

    private static DateTimeOffset Due(WorkflowStepContext context)
    {
        if (StepInput.OptionalDuration(context, "delay") is { } delay)
        {
            return context.StartedAt + delay;
        }

        if (StepInput.OptionalString(context, "until") is { } until)
        {
            return DateTimeOffset.TryParse(until, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw StepInput.Invalid(context, "until", $"has 'until' '{until}', which is not a time; write it as 2027-01-01T00:00:00Z");
        }

        throw StepInput.Invalid(context, "delay", "needs 'delay' (for instance \"24h\") or 'until' (a time) in its input");
    }
}
