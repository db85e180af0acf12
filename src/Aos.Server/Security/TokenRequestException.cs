using Microsoft.AspNetCore.Http;

namespace Aos.Server.Security;

/// <summary>Thrown when the token endpoint refuses a request; answered as a problem with the OAuth 2.0 <c>error</c> code (RFC 6749 §5.2).</summary>
public sealed class TokenRequestException : AosException
{
    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    public TokenRequestException() { }

    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    /// <param name="error">The OAuth 2.0 error code, for instance <c>invalid_client</c>.</param>
    /// <param name="message">What was wrong and how to fix it.</param>
    /// <param name="status">The HTTP status: 400, or 401 for bad client credentials.</param>
    public TokenRequestException(string error, string message, int status = StatusCodes.Status400BadRequest)
        : base(message)
    {
        Error = error;
        Status = status;
    }

    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenRequestException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Gets the OAuth 2.0 error code.</summary>
    public string Error { get; } = "invalid_request";

    /// <summary>Gets the HTTP status.</summary>
    public int Status { get; } = StatusCodes.Status400BadRequest;
}
