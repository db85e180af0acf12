using System.Globalization;
using System.Text.Json.Nodes;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Reads and writes workflow definitions as JSON (interim: replaced by the full reader).</summary>
public static class WorkflowJson
{
    /// <summary>Reads and validates a definition.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The definition.</returns>
    public static WorkflowDefinition Parse(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var definition = new WorkflowDefinition
        {
            Name = (string)root["name"]!,
            Description = (string?)root["description"],
            ContinueAsNew = (bool?)root["continueAsNew"] ?? false,
            MaxIterations = (int?)root["maxIterations"],
            Steps = [.. root["steps"]!.AsArray().Select(n => new WorkflowStep
            {
                Id = (string)n!["id"]!,
                Kind = (string)n["kind"]!,
                DependsOn = [.. (n["dependsOn"]?.AsArray() ?? []).Select(d => (string)d!)],
                Input = n["input"]?.ToJsonString(),
                MaxAttempts = (int?)n["maxAttempts"] ?? 1,
                RetryDelay = n["retryDelay"] is { } r ? TimeSpan.Parse((string)r!, CultureInfo.InvariantCulture) : TimeSpan.FromSeconds(1),
                Timeout = n["timeout"] is { } t ? TimeSpan.Parse((string)t!, CultureInfo.InvariantCulture) : null,
                Compensation = n["compensation"] is { } c ? new WorkflowCompensation((string)c["kind"]!, c["input"]?.ToJsonString()) : null,
            })],
        };
        return definition;
    }

    /// <summary>Writes a definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var steps = new JsonArray();
        foreach (var s in definition.Steps)
        {
            steps.Add(new JsonObject
            {
                ["id"] = s.Id,
                ["kind"] = s.Kind,
                ["dependsOn"] = new JsonArray([.. s.DependsOn.Select(d => (JsonNode?)d)]),
                ["input"] = s.Input is null ? null : JsonNode.Parse(s.Input),
                ["maxAttempts"] = s.MaxAttempts,
                ["retryDelay"] = s.RetryDelay.ToString("c", CultureInfo.InvariantCulture),
                ["timeout"] = s.Timeout?.ToString("c", CultureInfo.InvariantCulture),
                ["compensation"] = s.Compensation is { } c ? new JsonObject { ["kind"] = c.Kind, ["input"] = c.Input is null ? null : JsonNode.Parse(c.Input) } : null,
            });
        }

        return new JsonObject
        {
            ["name"] = definition.Name,
            ["description"] = definition.Description,
            ["continueAsNew"] = definition.ContinueAsNew,
            ["maxIterations"] = definition.MaxIterations,
            ["steps"] = steps,
        }.ToJsonString();
    }
}
