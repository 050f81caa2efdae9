using Cumin.Grains.Board;
using Cumin.Grains.Comments;
using Cumin.Grains.Exports;
using Cumin.Grains.Tasks;
using Cumin.Grains.Users;
using Cumin.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cumin.Grains;

public static class CuminGrainsServiceCollectionExtensions
{
    /// <summary>PBKDF2 iterations of every password hash written (100,000 before, ASP.NET Core Identity's default).</summary>
    public const int PasswordHashIterations = 210_000;

    /// <summary>The services Cumin's grains take: options, password hashing, the catalogs and stores they read and write through, and time.</summary>
    public static IServiceCollection AddCuminGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<RefreshTokenOptions>().Bind(configuration.GetSection(RefreshTokenOptions.Section));
        services.AddOptions<BoardOptions>().Bind(configuration.GetSection(BoardOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        // ASP.NET Core Identity's V3 format is PBKDF2-HMAC-SHA512; OWASP's figure for it is 210,000 iterations. A login
        // with a hash of fewer rehashes it (UserGrain.SignIn), so older accounts move up as their owners sign in.
        services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = PasswordHashIterations);
        services.TryAddSingleton<IPasswordHasher<UserState>, PasswordHasher<UserState>>();
        services.TryAddSingleton<ITaskCatalog, DynamoDBTaskCatalog>();
        services.TryAddSingleton<IExportCatalog, DynamoDBExportCatalog>();
        services.TryAddSingleton<ICommentStore, DynamoDBCommentStore>();
        services.TryAddSingleton<IAssignedTaskCatalog, DynamoDBAssignedTaskCatalog>();
        // Webhook secrets are sealed with the key the webhook deliverer opens them with (Cumin:Webhooks:SecretKey).
        services.TryAddSingleton<ISecretProtector>(_ => new AesGcmSecretProtector(configuration[AesGcmSecretProtector.KeyConfigurationKey]));
        return services;
    }
}
