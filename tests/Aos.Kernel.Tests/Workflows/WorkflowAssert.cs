using System.Text.Json.Nodes;
using Aos.Workflows;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Compares workflow definitions by value: records compare their list members by reference, and inputs are JSON, equal whatever their spacing.</summary>
internal static class WorkflowAssert
{
    private static readonly WorkflowStep[] NoSteps = [];
    private static readonly string[] NoIds = [];

    public static void Equivalent(WorkflowDefinition expected, WorkflowDefinition actual)
    {
        Assert.Equal(expected with { Steps = NoSteps }, actual with { Steps = NoSteps });
        Assert.Equal(expected.Steps.Select(s => s.Id), actual.Steps.Select(s => s.Id));
        foreach (var (e, a) in expected.Steps.Zip(actual.Steps))
        {
            Assert.Equal(Bare(e), Bare(a));
            Assert.Equal(e.DependsOn, a.DependsOn);
            JsonEqual(e.Input, a.Input);
            Assert.Equal(e.Compensation?.Kind, a.Compensation?.Kind);
            JsonEqual(e.Compensation?.Input, a.Compensation?.Input);
        }
    }

    public static void JsonEqual(string? expected, string? actual) =>
        Assert.True(
            JsonNode.DeepEquals(expected is null ? null : JsonNode.Parse(expected), actual is null ? null : JsonNode.Parse(actual)),
            $"Expected JSON {expected ?? "(none)"} but found {actual ?? "(none)"}.");

    private static WorkflowStep Bare(WorkflowStep step) => step with { DependsOn = NoIds, Input = null, Compensation = null };
}
