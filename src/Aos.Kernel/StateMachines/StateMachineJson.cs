using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Kernel.Definitions;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>Reads and writes state machine definitions as JSON, or reads them from YAML.</summary>
/// <remarks>
/// <code language="json">
/// {
///   "name": "decision",
///   "initialState": "pending",
///   "states": [ { "name": "pending", "timeout": "24h" }, { "name": "approved", "terminal": true } ],
///   "transitions": [ { "from": "pending", "event": "approve", "to": "approved", "guard": { "field": "amount", "op": "le", "value": 1000 } } ]
/// }
/// </code>
/// Timeouts are written <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>3d</c> (also <c>500ms</c>), as an ISO 8601 duration (<c>PT24H</c>), or as
/// <c>d.hh:mm:ss</c>. Unknown properties are refused, so a misspelt one is not silently ignored.
/// </remarks>
public static class StateMachineJson
{
    /// <summary>Reads a definition.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The definition; it is not validated yet (<see cref="StateMachine.Create"/> does that).</returns>
    /// <exception cref="AosValidationException">The JSON is malformed or has the wrong shape; the message gives the line and the path.</exception>
    public static StateMachineDefinition Read(string json) => Read(json, fromYaml: false);

    /// <summary>Reads a definition written in YAML.</summary>
    /// <param name="yaml">The YAML text, shaped as the JSON that <see cref="Read(string)"/> reads.</param>
    /// <returns>The definition; it is not validated yet (<see cref="StateMachine.Create"/> does that).</returns>
    /// <exception cref="AosValidationException">The YAML is malformed (the message gives the line and column) or has the wrong shape (the message gives the path).</exception>
    public static StateMachineDefinition ReadYaml(string yaml) => Read(DefinitionYaml.ToJson(yaml), fromYaml: true);

    private static StateMachineDefinition Read(string json, bool fromYaml)
    {
        ArgumentNullException.ThrowIfNull(json);
        StateMachineDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, StateMachineJsonContext.Default.StateMachineDocument);
        }
        catch (JsonException ex)
        {
            // Lines of the JSON converted from YAML are not the lines the author wrote; the path still says where.
            var line = fromYaml ? " at" : ex.LineNumber is { } n ? $" at line {n + 1}," : " in the document,";
            throw new AosValidationException($"The state machine definition is not valid JSON of the expected shape{line} path '{ex.Path ?? "$"}': {FirstSentence(ex.Message)}", ex) { Field = ex.Path };
        }

        if (document is null)
        {
            throw new AosValidationException("The state machine definition is empty; send a JSON object with name, initialState, states and transitions.");
        }

        var states = (document.States ?? []).Select((s, i) => new StateDefinition
        {
            Name = s.Name!,
            Terminal = s.Terminal,
            Timeout = s.Timeout is null ? null : ParseDuration(s.Timeout, $"states[{i}].timeout", document.Name, s.Name),
            OnEnter = s.OnEnter,
            OnExit = s.OnExit,
        }).ToList();
        var transitions = (document.Transitions ?? []).Select(t => new TransitionDefinition
        {
            From = t.From!,
            Event = t.Event!,
            To = t.To!,
            Guard = t.Guard,
            GuardName = t.GuardName,
            Action = t.Action,
            Escalation = t.Escalation,
        }).ToList();
        return new StateMachineDefinition
        {
            Name = document.Name!,
            Description = document.Description,
            InitialState = document.InitialState!,
            States = states,
            Transitions = transitions,
        };
    }

    /// <summary>Writes a definition as JSON that <see cref="Read(string)"/> reads back.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(StateMachineDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var document = new StateMachineDocument(
            definition.Name,
            definition.Description,
            definition.InitialState,
            [.. definition.States.Select(s => new StateDocument(s.Name, s.Terminal, s.Timeout?.ToString("c", CultureInfo.InvariantCulture), s.OnEnter, s.OnExit))],
            [.. definition.Transitions.Select(t => new TransitionDocument(t.From, t.Event, t.To, t.Guard, t.GuardName, t.Action, t.Escalation))]);
        return JsonSerializer.Serialize(document, StateMachineJsonContext.Default.StateMachineDocument);
    }

    /// <summary>Parses a duration, or says which state's timeout is wrong.</summary>
    internal static TimeSpan ParseDuration(string text, string field, string? machine, string? state) =>
        Durations.TryParse(text, out var duration)
            ? duration
            : throw new AosValidationException($"State machine '{machine}': the timeout '{text}' of state '{state}' is not a duration; write it as {Durations.Forms}.") { Field = field };

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.') + ".";
}

/// <summary>The JSON shape of a definition.</summary>
internal sealed record StateMachineDocument(string? Name, string? Description, string? InitialState, List<StateDocument>? States, List<TransitionDocument>? Transitions);

/// <summary>The JSON shape of a state.</summary>
internal sealed record StateDocument(string? Name, bool Terminal, string? Timeout, string? OnEnter, string? OnExit);

/// <summary>The JSON shape of a transition.</summary>
internal sealed record TransitionDocument(string? From, string? Event, string? To, GuardCondition? Guard, string? GuardName, string? Action, bool Escalation);

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    WriteIndented = true)]
[JsonSerializable(typeof(StateMachineDocument))]
internal sealed partial class StateMachineJsonContext : JsonSerializerContext;
