extension StateSchema {
    /// Version 3: users, roles and their grants, sessions, API keys, MFA, e-mail tokens, OIDC
    /// providers and links, and the activity log (issue 11). Usernames and e-mail addresses are unique
    /// without regard to ASCII case. The built-in roles and their grants are seeded here, as literal
    /// rows, so that later changes to the permission catalogue never change what this step did.
    static let accounts = """
        CREATE TABLE roles (
            name TEXT PRIMARY KEY NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            built_in INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE role_permissions (
            role TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
            resource TEXT NOT NULL,
            action TEXT NOT NULL,
            PRIMARY KEY (role, resource, action)
        ) WITHOUT ROWID;
        CREATE TABLE users (
            id TEXT PRIMARY KEY NOT NULL,
            username TEXT NOT NULL,
            email TEXT,
            display_name TEXT,
            password_hash TEXT,
            email_verified INTEGER NOT NULL DEFAULT 0,
            plex_account_id TEXT,
            plex_username TEXT,
            avatar_url TEXT,
            preferences TEXT NOT NULL DEFAULT '{}',
            disabled INTEGER NOT NULL DEFAULT 0,
            token_epoch INTEGER NOT NULL DEFAULT 0,
            password_changed_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_login_at INTEGER
        );
        CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
        CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);
        CREATE UNIQUE INDEX users_plex_account ON users (plex_account_id);
        CREATE TABLE user_roles (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            role TEXT NOT NULL REFERENCES roles (name) ON DELETE RESTRICT ON UPDATE CASCADE,
            assigned_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, role)
        ) WITHOUT ROWID;
        CREATE INDEX user_roles_role ON user_roles (role);
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            token_hash BLOB NOT NULL UNIQUE,
            remember INTEGER NOT NULL DEFAULT 0,
            user_agent TEXT,
            ip_address TEXT,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE INDEX sessions_user ON sessions (user_id);
        CREATE INDEX sessions_expires ON sessions (expires_at);
        CREATE TABLE rotated_refresh_tokens (
            token_hash BLOB PRIMARY KEY NOT NULL,
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            rotated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX rotated_refresh_tokens_session ON rotated_refresh_tokens (session_id);
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            description TEXT,
            prefix TEXT NOT NULL UNIQUE,
            key_hash BLOB NOT NULL,
            scopes TEXT NOT NULL,
            expires_at INTEGER,
            last_used_at INTEGER,
            revoked_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX api_keys_user ON api_keys (user_id);
        CREATE TABLE mfa_totp (
            user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            secret BLOB NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 0,
            verified_at INTEGER,
            last_used_step INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE mfa_backup_codes (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash BLOB NOT NULL,
            used_at INTEGER,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, code_hash)
        ) WITHOUT ROWID;
        CREATE TABLE email_tokens (
            token_hash BLOB PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
            email TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
        CREATE TABLE oidc_providers (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            display_name TEXT NOT NULL,
            provider_type TEXT NOT NULL DEFAULT 'generic',
            issuer_url TEXT NOT NULL,
            client_id TEXT NOT NULL,
            client_secret TEXT NOT NULL,
            scopes TEXT NOT NULL DEFAULT 'openid profile email',
            claim_mappings TEXT NOT NULL DEFAULT '{}',
            role_mappings TEXT NOT NULL DEFAULT '{}',
            endpoints TEXT NOT NULL DEFAULT '{}',
            default_role TEXT NOT NULL DEFAULT 'user' REFERENCES roles (name) ON UPDATE CASCADE,
            auto_create_users INTEGER NOT NULL DEFAULT 1,
            update_user_info INTEGER NOT NULL DEFAULT 1,
            allow_linking INTEGER NOT NULL DEFAULT 1,
            enabled INTEGER NOT NULL DEFAULT 1,
            is_default INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX oidc_providers_name ON oidc_providers (name COLLATE NOCASE);
        CREATE TABLE oidc_links (
            id TEXT PRIMARY KEY NOT NULL,
            provider_id TEXT NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
            subject TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            email TEXT,
            linked_at INTEGER NOT NULL,
            last_login_at INTEGER,
            UNIQUE (provider_id, subject),
            UNIQUE (provider_id, user_id)
        );
        CREATE INDEX oidc_links_user ON oidc_links (user_id);
        CREATE TABLE activity_log (
            id TEXT PRIMARY KEY NOT NULL,
            created_at INTEGER NOT NULL,
            user_id TEXT,
            username TEXT,
            action TEXT NOT NULL,
            resource_type TEXT,
            resource_id TEXT,
            success INTEGER NOT NULL,
            error_message TEXT,
            ip_address TEXT,
            user_agent TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX activity_log_created ON activity_log (created_at);
        CREATE INDEX activity_log_user ON activity_log (user_id, created_at);
        CREATE INDEX activity_log_action ON activity_log (action, created_at);
        CREATE INDEX activity_log_resource ON activity_log (resource_type, resource_id, created_at);
        INSERT INTO roles (name, description, built_in, created_at, updated_at) VALUES
            ('admin', 'Everything, including users, roles and settings', 1, 0, 0),
            ('moderator', 'Manages content, requests and jobs; reads users and activity', 1, 0, 0),
            ('user', 'Uses the library, makes requests, manages their own account', 1, 0, 0),
            ('guest', 'Reads the library only', 1, 0, 0);
        INSERT INTO role_permissions (role, resource, action) VALUES
            ('admin', '*', '*'),
            ('moderator', 'users', 'read'), ('moderator', 'activity', 'read'),
            ('moderator', 'libraries', 'read'), ('moderator', 'libraries', 'write'),
            ('moderator', 'media', 'read'), ('moderator', 'media', 'write'),
            ('moderator', 'requests', 'read'), ('moderator', 'requests', 'write'), ('moderator', 'requests', 'manage'),
            ('moderator', 'downloads', 'read'), ('moderator', 'downloads', 'write'),
            ('moderator', 'jobs', 'read'), ('moderator', 'jobs', 'write'),
            ('moderator', 'schedules', 'read'), ('moderator', 'schedules', 'write'),
            ('moderator', 'plex', 'read'), ('moderator', 'system', 'read'),
            ('moderator', 'monitoring', 'read'), ('moderator', 'services', 'read'),
            ('moderator', 'integrations', 'read'), ('moderator', 'stash', 'read'), ('moderator', 'stash', 'write'),
            ('moderator', 'profile', 'read'), ('moderator', 'profile', 'write'),
            ('moderator', 'sessions', 'read'), ('moderator', 'sessions', 'write'),
            ('moderator', 'apikeys', 'read'), ('moderator', 'apikeys', 'write'),
            ('user', 'libraries', 'read'), ('user', 'media', 'read'),
            ('user', 'requests', 'read'), ('user', 'requests', 'write'),
            ('user', 'downloads', 'read'), ('user', 'downloads', 'write'),
            ('user', 'plex', 'read'),
            ('user', 'profile', 'read'), ('user', 'profile', 'write'),
            ('user', 'sessions', 'read'), ('user', 'sessions', 'write'),
            ('user', 'apikeys', 'read'), ('user', 'apikeys', 'write'),
            ('guest', 'libraries', 'read'), ('guest', 'media', 'read'), ('guest', 'profile', 'read');
        """
}
