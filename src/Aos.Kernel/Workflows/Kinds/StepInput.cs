using System.Text.Json;
using Aos.Messaging;
using Aos.Workflows;

namespace Aos.Kernel.Workflows.Kinds;

/// <summary>Reads the fields of a step's input, with errors that name the step and the field (a bad input fails the step for good).</summary>
internal static class StepInput
{
    public static string RequiredString(WorkflowStepContext context, string field, string example) =>
        OptionalString(context, field) ?? throw Invalid(context, field, $"needs '{field}' in its input, for instance {example}");

    public static string? OptionalString(WorkflowStepContext context, string field) =>
        Property(context, field) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(context, field, $"has '{field}' {value.GetRawText()}, which is not a string")
            : null;

    public static TimeSpan? OptionalDuration(WorkflowStepContext context, string field)
    {
        if (OptionalString(context, field) is not { } text)
        {
            return null;
        }

        return Durations.TryParse(text, out var duration) && duration >= TimeSpan.Zero
            ? duration
            : throw Invalid(context, field, $"has '{field}' '{text}', which is not a duration; write it as {Durations.Forms}");
    }

    public static MessagePriority Priority(WorkflowStepContext context) =>
        OptionalString(context, "priority") is not { } text ? MessagePriority.Normal
            : Enum.TryParse<MessagePriority>(text, ignoreCase: true, out var priority) && Enum.IsDefined(priority) ? priority
            : throw Invalid(context, "priority", $"has priority '{text}'; use low, normal, high or critical");

    public static JsonElement? Property(WorkflowStepContext context, string field) =>
        context.Input is { ValueKind: JsonValueKind.Object } input && input.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>Builds the payload a step sends when its input gives none: the run's input and the results of the steps it depends on.</summary>
    public static JsonElement DefaultPayload(WorkflowStepContext context) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["run"] = context.RunInput,
            ["steps"] = context.DependencyResults,
        });

    public static AosValidationException Invalid(WorkflowStepContext context, string field, string problem) =>
        new($"Step '{context.StepId}' of workflow '{context.Workflow}' {problem}.") { Field = field };
}
