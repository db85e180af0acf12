using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Aos.Kernel.Models;

/// <summary>
/// Provides the <see cref="IChatClient"/> of the default model (<c>Aos:Models:Default</c>), created once on first use.
/// </summary>
public sealed class DefaultChatClientProvider : IDisposable
{
    private readonly ModelOptions _options;
    private readonly Lazy<IChatClient> _client;

    /// <summary>Initializes a new instance of the <see cref="DefaultChatClientProvider"/> class.</summary>
    /// <param name="options">The default model's options.</param>
    public DefaultChatClientProvider(IOptions<ModelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _client = new Lazy<IChatClient>(Create);
    }

    /// <summary>Gets a value indicating whether a default model is configured.</summary>
    public bool IsConfigured => _options.IsConfigured;

    /// <summary>Gets the chat client of the default model.</summary>
    /// <exception cref="AosValidationException">No default model is configured; the message names the settings.</exception>
    public IChatClient ChatClient
    {
        get
        {
            EnsureConfigured();
            return _client.Value;
        }
    }

    /// <summary>Throws when no default model is configured, naming the settings to set.</summary>
    /// <exception cref="AosValidationException">No default model is configured.</exception>
    public void EnsureConfigured()
    {
        if (!_options.IsConfigured)
        {
            throw new AosValidationException(
                $"No chat model is configured. Set {ModelOptions.DefaultSectionName}:Endpoint and {ModelOptions.DefaultSectionName}:Model " +
                "(and ApiKey if the endpoint needs one) in aos.json, or the environment variables AOS__MODELS__DEFAULT__ENDPOINT and AOS__MODELS__DEFAULT__MODEL.")
            {
                Field = ModelOptions.DefaultSectionName,
            };
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private IChatClient Create()
    {
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(_options.ApiKey) ? "no-key" : _options.ApiKey);
        var client = new OpenAIClient(credential, new OpenAIClientOptions { Endpoint = _options.Endpoint });
        return client.GetChatClient(_options.Model).AsIChatClient();
    }
}
