using System.Text.Json;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

public static partial class WorkflowJson
{
    /// <summary>Writes a definition as JSON that <see cref="Parse"/> reads back; properties at their default are left out.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The JSON text, indented.</returns>
    /// <exception cref="JsonException">A step's input is not JSON text.</exception>
    public static string Serialize(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Encoder, Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", definition.Name);
            WriteIf(writer, "description", definition.Description);
            if (definition.ContinueAsNew)
            {
                writer.WriteBoolean("continueAsNew", true);
            }

            if (definition.MaxIterations is { } maxIterations)
            {
                writer.WriteNumber("maxIterations", maxIterations);
            }

            writer.WriteStartArray("steps");
            foreach (var step in definition.Steps)
            {
                WriteStep(writer, step);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteStep(Utf8JsonWriter writer, WorkflowStep step)
    {
        writer.WriteStartObject();
        writer.WriteString("id", step.Id);
        writer.WriteString("kind", step.Kind);
        if (step.DependsOn is { Count: > 0 } dependsOn)
        {
            writer.WriteStartArray("dependsOn");
            foreach (var id in dependsOn)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        WriteInput(writer, step.Input);
        if (step.MaxAttempts != DefaultStep.MaxAttempts)
        {
            writer.WriteNumber("maxAttempts", step.MaxAttempts);
        }

        if (step.RetryDelay != DefaultStep.RetryDelay)
        {
            writer.WriteString("retryDelay", Durations.Format(step.RetryDelay));
        }

        WriteIf(writer, "timeout", step.Timeout is { } timeout ? Durations.Format(timeout) : null);
        if (step.Compensation is { } compensation)
        {
            writer.WriteStartObject("compensation");
            writer.WriteString("kind", compensation.Kind);
            WriteInput(writer, compensation.Input);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteInput(Utf8JsonWriter writer, string? input)
    {
        if (input is not null)
        {
            using var document = JsonDocument.Parse(input);
            writer.WritePropertyName("input");
            document.RootElement.WriteTo(writer);
        }
    }

    private static void WriteIf(Utf8JsonWriter writer, string property, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(property, value);
        }
    }
}
