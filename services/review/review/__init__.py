"""Joint reviews (联审) led by 政务办 with opinions from 网信, 发改, 工信 and 财政."""
