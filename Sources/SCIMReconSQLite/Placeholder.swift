public enum SCIMReconSQLiteModule {}
