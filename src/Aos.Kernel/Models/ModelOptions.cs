namespace Aos.Kernel.Models;

/// <summary>
/// Configures an OpenAI-compatible chat model endpoint. The default model is bound from <c>Aos:Models:Default</c>.
/// </summary>
/// <remarks>The API key is a secret: AOS never logs it and never returns it over the API.</remarks>
public sealed class ModelOptions
{
    /// <summary>Gets the configuration section of the default model.</summary>
    public const string DefaultSectionName = "Aos:Models:Default";

    /// <summary>Gets or sets the base address of the OpenAI-compatible API, for instance <c>http://localhost:11434/v1</c>.</summary>
    /// <value>The default is none: chat agents cannot be registered until it is set.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the model name sent with each request, for instance <c>gpt-4o-mini</c>.</summary>
    /// <value>The default is none: chat agents cannot be registered until it is set.</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the API key, when the endpoint needs one.</summary>
    /// <value>The default is none.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets a value indicating whether a model is configured.</summary>
    public bool IsConfigured => Endpoint is not null && !string.IsNullOrWhiteSpace(Model);

    /// <inheritdoc />
    public override string ToString() => $"{Model} at {Endpoint}";
}
