public enum SCIMReconTestSupport {}
