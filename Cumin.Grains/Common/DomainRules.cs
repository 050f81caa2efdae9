using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains.Common;

/// <summary>
/// The bounds of API.md, checked again inside the grains so that no caller (API, test, future client)
/// can store what the API would refuse.
/// </summary>
internal static class DomainRules
{
    public static string? CheckTask(string? title, string? description)
    {
        if (title is not null && (string.IsNullOrWhiteSpace(title) || title.Length > TaskLimits.TitleMax))
        {
            return $"title must be 1-{TaskLimits.TitleMax} characters";
        }

        return description is { Length: > TaskLimits.DescriptionMax }
            ? $"description must be at most {TaskLimits.DescriptionMax} characters"
            : null;
    }

    public static string? CheckProject(string? name, string? description)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > ProjectLimits.NameMax))
        {
            return $"name must be 1-{ProjectLimits.NameMax} characters";
        }

        return description is { Length: > ProjectLimits.DescriptionMax }
            ? $"description must be at most {ProjectLimits.DescriptionMax} characters"
            : null;
    }

    public static string? CheckUser(string name, string email, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > UserLimits.NameMax)
        {
            return $"name must be 1-{UserLimits.NameMax} characters";
        }

        if (string.IsNullOrWhiteSpace(email) || email.Length > UserLimits.EmailMax)
        {
            return "email is not a valid address";
        }

        return password.Length is < UserLimits.PasswordMin or > UserLimits.PasswordMax
            ? $"password must be {UserLimits.PasswordMin}-{UserLimits.PasswordMax} characters"
            : null;
    }
}
