// What customers of a snack chain write in the free-text box, by language and mood. A comment is a
// remark on the touchpoint the survey asked about, sometimes followed by a general one.

export type Mood = 'unhappy' | 'neutral' | 'happy';
export type Language = 'zh' | 'en';

type Remarks = Record<Mood, readonly string[]>;

export const TOUCHPOINT_REMARKS: Record<Language, Record<string, Remarks>> = {
  zh: {
    discovery: {
      unhappy: ['活动规则太复杂，看不懂', '直播间说的优惠到店里没有', '新品介绍写得不清楚'],
      neutral: ['是朋友推荐来的', '在小红书上看到的', '新品海报还行'],
      happy: ['新品种类很多，很想都试试', '直播讲解很详细', '会员推送的新品正合口味'],
    },
    ordering: {
      unhappy: ['下单页面老是卡住', '想要的口味一直缺货', '小程序加购物车总是失败'],
      neutral: ['下单流程还可以', '规格选项有点多', '找商品要翻好几页'],
      happy: ['下单很顺畅', '一键复购很方便', '商品分类清楚，很快找到'],
    },
    payment: {
      unhappy: ['优惠券用不了', '付款后订单显示失败，钱却扣了', '积分抵扣算错了'],
      neutral: ['支付方式够用', '结账排队有点久', '发票开得慢了点'],
      happy: ['付款很快', '满减很划算', '会员价很实惠'],
    },
    pickup: {
      unhappy: ['到店等了二十分钟才拿到', '店员态度很冷淡', '取货时发现少了一袋'],
      neutral: ['取货还算方便', '门店有点挤', '取餐柜偶尔打不开'],
      happy: ['店员很热情，还送了试吃', '门店干净整齐', '到店马上就拿到了'],
    },
    delivery: {
      unhappy: ['配送太慢了，等了一个多小时', '包装压坏了，薯片都碎了', '快递三天了还没到'],
      neutral: ['配送速度一般', '骑手没打电话直接放门口', '包装还行'],
      happy: ['配送很快，半小时就到了', '包装很用心，一点没压坏', '第二天就收到了'],
    },
    after_sales: {
      unhappy: ['退款拖了一个星期', '客服一直不回复', '换货流程太麻烦'],
      neutral: ['客服回复有点慢，但问题解决了', '退货要自己寄回', '售后规则写得不够清楚'],
      happy: ['客服很耐心，马上补发了', '退款当天就到账了', '售后处理得很好'],
    },
  },
  en: {
    discovery: {
      unhappy: ['The promotion rules are confusing', 'The livestream deal was not honoured in store'],
      neutral: ['A friend told me about the shop', 'Saw the new flavours on social media'],
      happy: ['Love the range of new snacks', 'The livestream explained everything clearly'],
    },
    ordering: {
      unhappy: ['The app kept freezing at checkout', 'My favourite flavour is always out of stock'],
      neutral: ['Ordering was fine', 'Too many options to choose from'],
      happy: ['Ordering was quick and easy', 'Reordering takes one tap'],
    },
    payment: {
      unhappy: ['My coupon did not work', 'I was charged but the order failed'],
      neutral: ['Payment options are fine', 'The checkout queue was a bit long'],
      happy: ['Payment was fast', 'Great member discounts'],
    },
    pickup: {
      unhappy: ['Waited twenty minutes to collect my order', 'One bag was missing at pickup'],
      neutral: ['Pickup was okay', 'The store was crowded'],
      happy: ['Friendly staff and free samples', 'My order was ready when I arrived'],
    },
    delivery: {
      unhappy: ['Delivery took over an hour', 'The box was crushed and the crisps broken'],
      neutral: ['Delivery was average', 'The rider left it at the door without calling'],
      happy: ['Arrived in thirty minutes', 'Carefully packed, nothing broken'],
    },
    after_sales: {
      unhappy: ['The refund took a week', 'Customer service never replied'],
      neutral: ['Support was slow but solved it', 'Returns are a bit of a hassle'],
      happy: ['Support sent a replacement right away', 'Refunded the same day'],
    },
  },
};

export const GENERAL_REMARKS: Record<Language, Remarks> = {
  zh: {
    unhappy: ['很失望。', '不会再来了。', '希望改进。', '体验很差。'],
    neutral: ['总体还行。', '一般般吧。', '还有提升空间。'],
    happy: ['会推荐给朋友！', '下次还来。', '非常满意！', '味道一如既往地好。'],
  },
  en: {
    unhappy: ['Very disappointed.', 'Please fix this.', 'Not coming back.'],
    neutral: ['Overall okay.', 'Could be better.'],
    happy: ['Will recommend to friends!', 'Great as always.', 'Very happy.'],
  },
};

/** What a mystery shopper notes, by whether the audit passed. */
export const AUDIT_NOTES: Record<'passed' | 'failed', readonly string[]> = {
  passed: ['店员主动问好并推荐新品', '陈列整齐，价签清楚', '试吃台干净', '结账迅速，主动提醒会员积分', '出餐准时'],
  failed: ['进店无人招呼', '部分商品价签缺失', '临期商品未下架', '收银台排队超过五人未开新台', '店员未按流程核对订单'],
};
