"""The SQLCipher store: connection set-up, transactions and schema migrations."""
