using System.Security.Cryptography;
using System.Text;

namespace Cumin.Webhooks;

/// <summary>Seals a webhook's secret for storage and opens it again to sign a delivery.</summary>
public interface ISecretProtector
{
    string Protect(string secret, string projectId);

    /// <summary>The secret, or throws <see cref="CryptographicException"/> when it was not sealed with this key for this project.</summary>
    string Unprotect(string protectedSecret, string projectId);
}

/// <summary>
/// Encrypts webhook secrets at rest with AES-256-GCM under a key derived (HKDF-SHA256) from one configured key
/// (<c>Cumin:Webhooks:SecretKey</c>, at least 32 characters; in AWS generated in and read from Secrets Manager). The silo
/// encrypts as a webhook is made and the deliverer decrypts as it signs. Here, not in a package with dependencies,
/// because both the grains and the Lambdas need it. The project id is the associated data, so a secret copied into
/// another project's item does not decrypt.
/// </summary>
public sealed class AesGcmSecretProtector : ISecretProtector
{
    public const string KeyConfigurationKey = "Cumin:Webhooks:SecretKey";

    /// <summary>
    /// Used when no key is configured, so <c>make run</c> and the tests need no setup. It is in the repository, so it
    /// protects nothing: every deployment sets its own (deploy/cumin.yaml generates one in Secrets Manager).
    /// </summary>
    public const string DevelopmentKey = "cumin-development-webhook-secret-key-not-for-production";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public AesGcmSecretProtector(string? configuredKey)
    {
        var key = string.IsNullOrEmpty(configuredKey) ? DevelopmentKey : configuredKey;
        if (key.Length < 32)
        {
            throw new InvalidOperationException($"{KeyConfigurationKey} must be at least 32 characters.");
        }

        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, info: "cumin-webhook-secrets"u8.ToArray());
    }

    /// <summary>True when no key was configured and the published development key is in use.</summary>
    public static bool IsDevelopmentKey(string? configuredKey) => string.IsNullOrEmpty(configuredKey) || configuredKey == DevelopmentKey;

    public string Protect(string secret, string projectId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(projectId));
        return Convert.ToBase64String(sealedBytes);
    }

    public string Unprotect(string protectedSecret, string projectId)
    {
        var sealedBytes = Convert.FromBase64String(protectedSecret);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected secret is too short.");
        }

        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(projectId));
        return Encoding.UTF8.GetString(plain);
    }
}
