using Cumin.Grains.Common;
using Cumin.Grains.Exports;
using Cumin.Grains.Tasks;
using Cumin.Grains.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cumin.Grains;

public static class CuminGrainsServiceCollectionExtensions
{
    /// <summary>The services Cumin's grains take: options, password hashing, the task catalog and time.</summary>
    public static IServiceCollection AddCuminGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<RefreshTokenOptions>().Bind(configuration.GetSection(RefreshTokenOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<UserState>, PasswordHasher<UserState>>();
        services.TryAddSingleton<ITaskCatalog, DynamoDBTaskCatalog>();
        services.TryAddSingleton<IExportCatalog, DynamoDBExportCatalog>();
        return services;
    }
}
