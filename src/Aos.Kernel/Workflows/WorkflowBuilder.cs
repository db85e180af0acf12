using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Writes a workflow definition in code.</summary>
/// <example>
/// <code>
/// var onboarding = new WorkflowBuilder("onboard")
///     .Step("account", "agent-request", input: new { agent = "accounts", type = "open" })
///     .Step("welcome", "publish", s => s
///         .DependsOn("account")
///         .Input(new { topic = "onboarding.welcome" })
///         .Retry(3, TimeSpan.FromSeconds(1))
///         .Timeout(TimeSpan.FromMinutes(5))
///         .CompensateWith("publish", new { topic = "onboarding.cancelled" }))
///     .Build();
/// </code>
/// Inputs are JSON objects: an object serialized with the web defaults (camelCase), a <see cref="JsonElement"/>, a <see cref="JsonObject"/>,
/// or JSON text.
/// </example>
public sealed class WorkflowBuilder
{
    private readonly string _name;
    private readonly List<WorkflowStep> _steps = [];
    private string? _description;
    private bool _continueAsNew;
    private int? _maxIterations;

    /// <summary>Initializes a new instance of the <see cref="WorkflowBuilder"/> class.</summary>
    /// <param name="name">The workflow's name.</param>
    public WorkflowBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Describes what the workflow is for.</summary>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Description(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Adds a step; steps keep the order they are added in.</summary>
    /// <param name="id">The step's id, unique in the workflow.</param>
    /// <param name="kind">The step's kind, such as <c>agent-request</c> or <c>publish</c>.</param>
    /// <param name="configure">Sets its dependencies, input, retries, timeout and compensation.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Step(string id, string kind, Action<StepBuilder>? configure = null) => Step(id, kind, null, configure);

    /// <summary>Adds a step with an input; steps keep the order they are added in.</summary>
    /// <param name="id">The step's id, unique in the workflow.</param>
    /// <param name="kind">The step's kind, such as <c>agent-request</c> or <c>publish</c>.</param>
    /// <param name="input">The step's input, a JSON object, or <see langword="null"/>.</param>
    /// <param name="configure">Sets its dependencies, retries, timeout and compensation.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Step(string id, string kind, object? input, Action<StepBuilder>? configure = null)
    {
        var step = new StepBuilder(new WorkflowStep { Id = id, Kind = kind, Input = ToInput(input, nameof(input)) });
        configure?.Invoke(step);
        _steps.Add(step.Definition);
        return this;
    }

    /// <summary>Makes a run start over, as its next iteration, each time every step completed.</summary>
    /// <param name="maxIterations">How many iterations a run makes at most, or <see langword="null"/> for no limit.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder ContinueAsNew(int? maxIterations = null)
    {
        _continueAsNew = true;
        _maxIterations = maxIterations;
        return this;
    }

    /// <summary>Validates the workflow and returns its definition.</summary>
    /// <param name="extensionKinds">Step kinds registered as extensions, besides the built-in ones.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="AosValidationException">The workflow is invalid; the message names the step at fault.</exception>
    public WorkflowDefinition Build(IReadOnlySet<string>? extensionKinds = null)
    {
        var definition = new WorkflowDefinition
        {
            Name = _name,
            Description = _description,
            ContinueAsNew = _continueAsNew,
            MaxIterations = _maxIterations,
            Steps = [.. _steps],
        };
        WorkflowValidator.Validate(definition, extensionKinds);
        return definition;
    }

    /// <summary>Turns an input given in code into compact JSON object text.</summary>
    internal static string? ToInput(object? input, string parameter)
    {
        var element = input switch
        {
            null => (JsonElement?)null,
            JsonElement e => e,
            JsonNode node => ParseInput(node.ToJsonString(), parameter),
            string json => ParseInput(json, parameter),
            _ => JsonSerializer.SerializeToElement(input, input.GetType(), JsonSerializerOptions.Web),
        };
        return element switch
        {
            null => null,
            { ValueKind: JsonValueKind.Object } o => WorkflowJson.Compact(o),
            { ValueKind: var kind } => throw new ArgumentException($"A step input must be a JSON object of named values, not {kind}.", parameter),
        };
    }

    private static JsonElement ParseInput(string json, string parameter)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"A step input given as text must be JSON: {ex.Message}", parameter, ex);
        }
    }

    /// <summary>Configures one step.</summary>
    public sealed class StepBuilder
    {
        internal StepBuilder(WorkflowStep definition) => Definition = definition;

        internal WorkflowStep Definition { get; private set; }

        /// <summary>Makes the step wait until other steps have completed.</summary>
        /// <param name="stepIds">The ids of the steps it waits for; added to any named before.</param>
        /// <returns>This builder.</returns>
        public StepBuilder DependsOn(params string[] stepIds)
        {
            ArgumentNullException.ThrowIfNull(stepIds);
            Definition = Definition with { DependsOn = [.. Definition.DependsOn, .. stepIds] };
            return this;
        }

        /// <summary>Sets the step's input.</summary>
        /// <param name="input">A JSON object: an object serialized with the web defaults, a <see cref="JsonElement"/>, a <see cref="JsonObject"/> or JSON text.</param>
        /// <returns>This builder.</returns>
        public StepBuilder Input(object input)
        {
            ArgumentNullException.ThrowIfNull(input);
            Definition = Definition with { Input = ToInput(input, nameof(input)) };
            return this;
        }

        /// <summary>Gives the step more than one attempt.</summary>
        /// <param name="maxAttempts">How many attempts it gets, the first included.</param>
        /// <param name="delay">The delay before the second attempt, doubled for each later one; one second when <see langword="null"/>.</param>
        /// <returns>This builder.</returns>
        public StepBuilder Retry(int maxAttempts, TimeSpan? delay = null)
        {
            Definition = Definition with { MaxAttempts = maxAttempts, RetryDelay = delay ?? Definition.RetryDelay };
            return this;
        }

        /// <summary>Limits how long one attempt may take before it counts as failed.</summary>
        /// <param name="timeout">The limit.</param>
        /// <returns>This builder.</returns>
        public StepBuilder Timeout(TimeSpan timeout)
        {
            Definition = Definition with { Timeout = timeout };
            return this;
        }

        /// <summary>Undoes the step, once completed, when the workflow fails after it (a saga).</summary>
        /// <param name="kind">The kind of the step that undoes this one.</param>
        /// <param name="input">Its input, a JSON object as for <see cref="Input"/>, or <see langword="null"/>.</param>
        /// <returns>This builder.</returns>
        public StepBuilder CompensateWith(string kind, object? input = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(kind);
            Definition = Definition with { Compensation = new WorkflowCompensation(kind, ToInput(input, nameof(input))) };
            return this;
        }
    }
}
