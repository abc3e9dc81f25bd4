public enum SamenStats {}
