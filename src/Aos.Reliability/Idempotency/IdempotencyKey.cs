using System.Security.Cryptography;
using System.Text;

namespace Aos.Reliability;

/// <summary>Computes idempotency keys.</summary>
public static class IdempotencyKey
{
    /// <summary>Computes the key of a message id and a business key: the lowercase hex SHA-256 of <c>{length of message id}:{message id}|{business key}</c> in UTF-8.</summary>
    /// <remarks>The length prefix keeps the pair unambiguous whatever characters either part holds.</remarks>
    /// <param name="messageId">The message id.</param>
    /// <param name="businessKey">The business key.</param>
    /// <returns>64 lowercase hex characters.</returns>
    /// <exception cref="AosValidationException">Either part is empty.</exception>
    public static string Compute(string messageId, string businessKey)
    {
        if (string.IsNullOrEmpty(messageId))
        {
            throw new AosValidationException("An idempotent operation needs the id of the message that asks for it.") { Field = "messageId" };
        }

        if (string.IsNullOrEmpty(businessKey))
        {
            throw new AosValidationException("An idempotent operation needs a business key that names what it does (such as 'charge:order-42').") { Field = "businessKey" };
        }

        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{messageId.Length}:{messageId}|{businessKey}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
