using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>The state machines AOS ships as JSON: <c>decision</c> and <c>incident</c>.</summary>
public static class StateMachineTemplates
{
    /// <summary>Gets the <c>decision</c> template: pending (24 h) → under_review (3 d) → approved | rejected; timeouts escalate; escalated (2 d).</summary>
    public static StateMachineDefinition Decision => Load("decision");

    /// <summary>Gets the <c>incident</c> template: reported (1 h) → acknowledged (4 h) → investigating (8 h) → resolved (24 h) → closed; <c>reopen</c> from resolved.</summary>
    public static StateMachineDefinition Incident => Load("incident");

    /// <summary>Gets every template.</summary>
    public static IReadOnlyList<StateMachineDefinition> All => [Decision, Incident];

    /// <summary>Gets a template's JSON text.</summary>
    /// <param name="name">The template's name.</param>
    /// <returns>The JSON.</returns>
    public static string Json(string name)
    {
        using var stream = typeof(StateMachineTemplates).Assembly.GetManifestResourceStream($"Aos.Kernel.StateMachines.Templates.{name}.json")
            ?? throw new ArgumentException($"There is no state machine template '{name}'; the templates are decision and incident.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static StateMachineDefinition Load(string name) => StateMachineJson.Read(Json(name));
}
