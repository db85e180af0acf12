namespace Aos.Server.Security;

/// <summary>Thrown when no API key with an id is visible to the caller; answered as 404.</summary>
public sealed class ApiKeyNotFoundException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="ApiKeyNotFoundException"/> class.</summary>
    public ApiKeyNotFoundException() { }

    /// <summary>Initializes a new instance of the <see cref="ApiKeyNotFoundException"/> class for a key id.</summary>
    /// <param name="id">The key id.</param>
    public ApiKeyNotFoundException(string id)
        : base($"There is no API key '{id}' in the caller's tenant; list them with GET /v1/api-keys.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApiKeyNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ApiKeyNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
